//! Each place a date lives, on small pages written for the test.

use chrono::{DateTime, FixedOffset, TimeZone, Utc};

use crate::normalise::dates;
use crate::record::{Document, RawPage};

const PARA: &str = "<p>The council met on a quiet evening to talk about the new bridge, the budget for the coming year and the repairs that the old market hall still needs.</p>";

fn fetched() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 6, 1, 12, 0, 0).unwrap()
}

/// A page whose head and article top hold `head` and `top`, then four paragraphs.
fn doc(lang: &str, head: &str, top: &str, url: Option<&str>) -> Document {
    let html = format!(
        "<html lang=\"{lang}\"><head><title>The council meets</title>{head}</head><body>\
         <div class=\"menu\"><a href=\"/\">Home</a></div>\
         <article><h1>The council meets</h1>{top}<div class=\"article-body\">{PARA}{PARA}{PARA}{PARA}</div></article>\
         </body></html>"
    );
    let raw = RawPage {
        source: "t.html".into(),
        url: url.map(str::to_string),
        content_type: None,
        fetched_at: fetched(),
        bytes: html.into_bytes(),
    };
    crate::parse::parse(&raw, None).unwrap()
}

/// The winning date's day in the offset it carries, and where it was read.
fn best(d: &Document) -> (String, &'static str) {
    match d.published.first() {
        Some((text, source)) => {
            let at = dates::parse_local(text, dates::utc()).unwrap();
            (at.format("%Y-%m-%d").to_string(), *source)
        }
        None => ("none".into(), "none"),
    }
}

fn en(head: &str, top: &str) -> (String, &'static str) {
    best(&doc("en", head, top, None))
}

fn is(got: (String, &'static str), day: &str, source: &str) {
    assert_eq!((got.0.as_str(), got.1), (day, source));
}

#[test]
fn json_ld_article_graph_main_entity_and_arrays() {
    let ld = |json: &str| format!("<script type=\"application/ld+json\">{json}</script>");
    is(
        en(
            &ld(r#"{"@type":"NewsArticle","datePublished":"2019-10-16T08:00:00+02:00"}"#),
            "",
        ),
        "2019-10-16",
        "json-ld",
    );
    // A WebPage in a @graph: the page's date when there is no article object.
    is(
        en(
            &ld(
                r#"{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"X"},{"@type":"WebPage","datePublished":"2019-09-17T14:54:31+02:00"}]}"#,
            ),
            "",
        ),
        "2019-09-17",
        "json-ld",
    );
    is(
        en(
            &ld(
                r#"{"@type":"WebPage","mainEntity":{"@type":"Article","datePublished":"2018-02-28"}}"#,
            ),
            "",
        ),
        "2018-02-28",
        "json-ld",
    );
    is(
        en(
            &ld(
                r#"[{"@type":"Organization"},{"@type":"BlogPosting","datePublished":"2017-06-29T10:00:00Z"}]"#,
            ),
            "",
        ),
        "2017-06-29",
        "json-ld",
    );
    // JSON-LD in a script without its type.
    is(
        en(
            r#"<script>{"@context": "https://schema.org", "@type": "NewsArticle", "datePublished": "2022-01-28T06:00:00+01:00"}</script>"#,
            "",
        ),
        "2022-01-28",
        "json-ld",
    );
}

#[test]
fn meta_names() {
    for name in [
        "property=\"article:published_time\"",
        "property=\"og:published_time\"",
        "name=\"pubdate\"",
        "name=\"publishdate\"",
        "name=\"DC.date.issued\"",
        "name=\"sailthru.date\"",
        "name=\"parsely-pub-date\"",
        "name=\"citation_publication_date\"",
        "itemprop=\"datePublished\"",
        "name=\"date\"",
        "name=\"dcterms.created\"",
    ] {
        let head = format!("<meta {name} content=\"2016-12-23T10:00:00+01:00\">");
        is(en(&head, ""), "2016-12-23", "meta");
    }
    // An update is not the publication.
    is(
        en(
            r#"<meta property="article:modified_time" content="2016-12-24T10:00:00Z">"#,
            "",
        ),
        "none",
        "none",
    );
}

#[test]
fn microdata_content_datetime_and_text() {
    is(
        en(
            "",
            r#"<span itemprop="datePublished" content="2019-10-16"></span>"#,
        ),
        "2019-10-16",
        "microdata",
    );
    is(
        en(
            "",
            r#"<time itemprop="datePublished" datetime="2019-10-16T09:00:00+02:00">Wednesday</time>"#,
        ),
        "2019-10-16",
        "microdata",
    );
    is(
        en(
            "",
            r#"<span itemprop="datePublished">16 October 2019</span>"#,
        ),
        "2019-10-16",
        "microdata",
    );
}

#[test]
fn time_elements_published_before_updated() {
    is(
        en(
            "",
            r#"<time class="updated" datetime="2020-03-02T10:00:00Z">2 March</time> <time class="entry-date published" datetime="2020-03-01T10:00:00Z">1 March</time>"#,
        ),
        "2020-03-01",
        "time",
    );
    // Without `datetime`, its text.
    is(en("", "<time>July 19, 2014</time>"), "2014-07-19", "time");
    // An ISO date in the `title` of a date-named element.
    is(
        en(
            "",
            r#"<abbr class="published" title="2013-04-04T18:52:11+00:00">18:52</abbr>"#,
        ),
        "2013-04-04",
        "time",
    );
}

#[test]
fn url_path() {
    let d = doc(
        "en",
        "",
        "",
        Some("https://example.org/2016/12/23/the-council-meets"),
    );
    is(best(&d), "2016-12-23", "url");
    // A full date in the URL outranks a date shown on the page...
    let d = doc(
        "en",
        "",
        r#"<span class="date">24 December 2016</span>"#,
        Some("https://example.org/news/20161223/the-council-meets"),
    );
    is(best(&d), "2016-12-23", "url");
    // A machine date long after the URL's is a re-publication: the original wins.
    let d = doc(
        "en",
        r#"<meta property="article:published_time" content="2019-06-17T10:00:00Z">"#,
        "",
        Some("https://example.org/2017/07/12/the-council-meets/"),
    );
    is(best(&d), "2017-07-12", "url");
    // ...while a month only confirms the shown date that falls in it.
    let d = doc(
        "en",
        "",
        r#"<div class="related"><span class="date">2 May 2019</span></div><p class="date">5 April 2019</p><span class="date">3 March 2019</span>"#,
        Some("https://example.org/2019/03/the-council-meets"),
    );
    is(best(&d), "2019-03-03", "visible");
}

#[test]
fn visible_forms_near_the_headline() {
    is(en("", "<p>Datum: 03.11.2021</p>"), "2021-11-03", "visible");
    is(
        en(
            "",
            r#"<span class="date">Veröffentlicht am 19. Juli 2014</span>"#,
        ),
        "2014-07-19",
        "visible",
    );
    is(
        en(
            "",
            r#"<div class="post-meta">By Ann Lee | Jul. 19th, 2014</div>"#,
        ),
        "2014-07-19",
        "visible",
    );
    is(
        en("", r#"<p class="date">19 de julio de 2014</p>"#),
        "2014-07-19",
        "visible",
    );
    is(
        en("", r#"<p class="date">2014年7月19日</p>"#),
        "2014-07-19",
        "visible",
    );
    // Published and updated in one line: the publication.
    is(
        en(
            "",
            r#"<p class="dateline">Updated 3 May 2019, published 2 May 2019</p>"#,
        ),
        "2019-05-02",
        "visible",
    );
}

#[test]
fn vietnamese_meta_line_keeps_its_offset() {
    let d = doc(
        "vi",
        "",
        r#"<span class="date">Thứ Năm, 17/9/2020, 15:19 (GMT+7)</span>"#,
        None,
    );
    assert_eq!(d.published[0].0, "2020-09-17T15:19:00+07:00");
    assert_eq!(
        d.published_text.as_deref(),
        Some("17/9/2020, 15:19 (GMT+7)")
    );
}

#[test]
fn day_and_month_order_follows_the_language() {
    let top = r#"<span class="date">05/07/2014</span>"#;
    is(best(&doc("en-US", "", top, None)), "2014-05-07", "visible");
    is(best(&doc("de", "", top, None)), "2014-07-05", "visible");
    is(
        best(&doc(
            "en-US",
            "",
            r#"<span class="date">19/07/2014</span>"#,
            None,
        )),
        "2014-07-19",
        "visible",
    );
}

#[test]
fn dates_of_other_stories_and_story_text_are_not_the_page_date() {
    // A list of related stories.
    is(
        en(
            "",
            r#"<div class="related-posts"><span class="date">2 May 2019</span></div>"#,
        ),
        "none",
        "none",
    );
    // A date the story talks about, deep in its text.
    let prose = format!(
        "{PARA}<p>The law passed on 9 May 2015 still applies to the old bridge and its repairs.</p>"
    );
    is(en("", &prose), "none", "none");
    // Unless a word labels it as the publication.
    let labelled = format!("{PARA}<p>Veröffentlicht am 16.08.2019</p>");
    is(en("", &labelled), "2019-08-16", "visible");
}

#[test]
fn words_just_before_a_time_label_it_an_update() {
    // "Updated:" in the cell beside the one holding the time, then the original.
    is(
        en(
            "",
            r#"<ul class="meta"><li><div>Updated:</div><div><span><time datetime="2018-03-06T19:49:32-05:00">Mar 6, 2018</time></span></div>
            <div>Original:</div><div><span><time datetime="2016-12-21T18:49:10-05:00">Dec 21, 2016</time></span></div></li></ul>"#,
        ),
        "2016-12-21",
        "time",
    );
    // "last updated" in the line before the time; the publication is further down.
    is(
        en(
            "",
            r#"<p class="info">By Ann Lee, last updated <time datetime="2017-04-04T20:44:00Z">4 April 17</time></p>
            <p class="info">First posted <time datetime="2017-01-13T21:45:08Z">13 January 17</time></p>"#,
        ),
        "2017-01-13",
        "time",
    );
}

#[test]
fn an_aside_column_of_the_articles_own_meta_keeps_its_date() {
    // Byline, date and share buttons in an <aside> beside the text.
    let meta = r#"<aside><address><a rel="author" href="/p/ann">Ann Lee</a></address>
        <span class="stamp">Tue 4 Jun 2019 10.15 BST</span>
        <ul><li><a href="https://x.example/share" aria-label="Share">S</a></li></ul></aside>"#;
    is(en("", meta), "2019-06-04", "visible");
    // An aside listing other stories keeps its dates to them.
    let others = r#"<aside><span class="stamp">Tue 4 Jun 2019</span>
        <a href="/a">Council votes on the new river path plan</a>
        <a href="/b">Storm closes the old harbour road again</a></aside>"#;
    is(en("", others), "none", "none");
}

#[test]
fn layout_classes_of_wrappers_do_not_hide_the_date() {
    let html = format!(
        "<html lang=\"en\"><head><title>The council meets</title></head><body class=\"right-sidebar footer-widgets\">\
         <div class=\"site-content content-area sidebar\"><article><header><h1>The council meets</h1>\
         <time class=\"entry-date\" datetime=\"2019-07-13T15:52:31+02:00\">13 Jul 2019</time></header>\
         <div class=\"entry-content\">{PARA}{PARA}{PARA}</div></article></div></body></html>"
    );
    let raw = RawPage {
        source: "t.html".into(),
        url: None,
        content_type: None,
        fetched_at: fetched(),
        bytes: html.into_bytes(),
    };
    is(
        best(&crate::parse::parse(&raw, None).unwrap()),
        "2019-07-13",
        "time",
    );
}

#[test]
fn future_and_ancient_dates_are_not_plausible() {
    is(
        en(
            r#"<meta property="article:published_time" content="2030-01-01T00:00:00Z">"#,
            r#"<span class="date">1 May 1990</span>"#,
        ),
        "none",
        "none",
    );
}

#[test]
fn utc_instant_is_told_on_the_day_the_page_shows() {
    let d = doc(
        "en",
        r#"<meta property="article:published_time" content="2023-11-09T01:09:55Z">"#,
        r#"<span class="byline">November 8, 2023 at 6:09 p.m.</span>"#,
        None,
    );
    assert_eq!(d.published[0].0, "2023-11-08T18:09:55-07:00");
    // The URL's day, when that is all the page shows.
    let d = doc(
        "en",
        r#"<meta property="article:published_time" content="2018-12-31T23:11:59+00:00">"#,
        "",
        Some("https://example.org/2019/01/01/new-year/"),
    );
    is(best(&d), "2019-01-01", "meta");
    // An offset stated elsewhere on the page applies too.
    let d = doc(
        "en",
        r#"<meta property="article:published_time" content="2020-12-05T23:15:00Z"><meta property="article:modified_time" content="2020-12-06T01:00:00+01:00">"#,
        r#"<time datetime="2020-12-06T00:15:00+01:00">6 December</time>"#,
        None,
    );
    is(best(&d), "2020-12-06", "meta");
}

#[test]
fn a_date_shown_in_the_article_overrules_a_stale_machine_date() {
    let d = doc(
        "de",
        r#"<meta property="article:published_time" content="2021-11-29T14:13:37Z">"#,
        r#"<span class="post-date">12.01.2022</span>"#,
        None,
    );
    is(best(&d), "2022-01-12", "visible");
    // Not when the machine date is stated in more places.
    let d = doc(
        "de",
        r#"<meta property="article:published_time" content="2021-11-29T14:13:37Z"><meta name="date" content="2021-11-29">"#,
        r#"<span class="post-date">12.01.2022</span>"#,
        None,
    );
    is(best(&d), "2021-11-29", "meta");
}

#[test]
fn relative_dates_resolve_against_the_fetch_time() {
    let d = doc("en", "", r#"<span class="time">3 hours ago</span>"#, None);
    let at = dates::parse_local(&d.published[0].0, dates::utc()).unwrap();
    let want = FixedOffset::east_opt(0)
        .unwrap()
        .with_ymd_and_hms(2024, 6, 1, 9, 0, 0)
        .unwrap();
    assert_eq!(at, want);
}

#[test]
fn the_articles_own_footer_keeps_its_date() {
    // Inside the article, a block named for its layout is the article's.
    is(
        en(
            "",
            r#"<div class="entry-footer"><time itemprop="datePublished" datetime="2022-02-01">1 Feb</time></div>"#,
        ),
        "2022-02-01",
        "microdata",
    );
    // So does the footer of a microdata Article, whose text block is the body.
    is(
        en(
            "",
            r#"<div class="news" itemscope itemtype="http://schema.org/Article"><div class="footer"><time itemprop="datePublished" datetime="2022-02-01">01.02.2022</time></div></div>"#,
        ),
        "2022-02-01",
        "microdata",
    );
    // Comments are not, wherever they are.
    is(
        en(
            "",
            r#"<div class="comments"><time datetime="2022-02-03">3 Feb</time></div>"#,
        ),
        "none",
        "none",
    );
}

#[test]
fn a_month_first_template_on_a_day_first_page() {
    // German page, "11/01/2021" printed month first: the machine date settles it.
    let d = doc(
        "de",
        r#"<meta property="article:published_time" content="2021-11-01T04:00:14Z">"#,
        r#"<span class="article-date">11/01/2021, 05:00</span>"#,
        None,
    );
    let days: Vec<String> = d
        .published
        .iter()
        .map(|(t, _)| t[..10].to_string())
        .collect();
    assert!(days.iter().all(|d| d == "2021-11-01"), "{days:?}");
    // Without a machine date the language decides.
    is(
        best(&doc(
            "de",
            "",
            r#"<span class="article-date">11/01/2021</span>"#,
            None,
        )),
        "2021-01-11",
        "visible",
    );
}

#[test]
fn script_state_is_read_only_when_no_other_place_has_a_date() {
    let state = r#"<script>window.__STATE__ = {"page":{"title":"The council meets","createdAt":"2022-01-30T09:00:00+01:00","publishedAt":"2022-01-31T15:58:43+01:00"}};</script>"#;
    is(en(state, ""), "2022-01-31", "script");
    // A date shown under the headline wins over the state, whatever the state says.
    is(
        en(state, r#"<p class="date">12 March 2021</p>"#),
        "2021-03-12",
        "visible",
    );
    // A state without a publication key gives its creation date.
    let created = r#"<script>var s = "{\"createdAt\":\"2022-01-30T09:00:00+01:00\"}";</script>"#;
    is(en(created, ""), "2022-01-30", "script");
}

/// A day stated by the machine and the time shown beside it: the publication is the
/// timed moment; a timed date of another day lends nothing.
#[test]
fn a_day_only_date_takes_the_time_shown_for_the_same_day() {
    let page = |line: &str| {
        let html = format!(
            "<html lang=\"vi\"><head><title>Hội đồng họp</title></head><body>\
             <div class=\"top\"><span><meta itemprop=\"datePublished\" content=\"2018-03-14\"/>{line}</span></div>\
             <h1>Hội đồng họp bàn về cây cầu mới</h1><div class=\"content\">\
             <p>Hội đồng thành phố đã họp vào buổi tối để bàn về cây cầu mới, ngân sách năm tới và việc sửa chữa chợ cũ.</p>\
             <p>Theo kế hoạch, cầu sẽ được khởi công trước ngày 20/04/2018 và hoàn thành sau hai năm thi công liên tục.</p>\
             <p>Người dân trong khu vực đã gửi nhiều ý kiến về lộ trình xe buýt trong thời gian sửa chữa cây cầu cũ.</p></div>\
             </body></html>"
        );
        let raw = RawPage {
            source: "t.html".into(),
            url: None,
            content_type: None,
            fetched_at: fetched(),
            bytes: html.into_bytes(),
        };
        crate::parse::parse(&raw, None).unwrap()
    };
    let d = page("Thứ Tư, 14/03/2018 - 07:45");
    assert_eq!(
        d.published.first().map(|(t, s)| (t.as_str(), *s)),
        Some(("2018-03-14T07:45:00+07:00", "meta"))
    );
    // The line names the day before: the machine's day stands, with no time.
    let d = page("Thứ Ba, 13/03/2018 - 23:10");
    assert_eq!(
        d.published.first().map(|(t, s)| (t.as_str(), *s)),
        Some(("2018-03-14T00:00:00+07:00", "meta"))
    );
}

/// A date line a script writes into an empty element under the headline is what
/// readers see: it dates the page, with its time and offset.
#[test]
fn a_date_line_written_by_a_script_dates_the_page() {
    let d = doc(
        "vi",
        "",
        r#"<span id="pDate"></span><script>document.getElementById("pDate").innerHTML="Th&#7913; n&#259;m, 20/12/2012, 16:10 GMT+7";</script>"#,
        None,
    );
    assert_eq!(
        d.published.first().map(|(t, s)| (t.as_str(), *s)),
        Some(("2012-12-20T16:10:00+07:00", "script"))
    );
}
