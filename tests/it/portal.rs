//! A fixture news portal written for the crawl tests: article pages, listing pages, a
//! sitemap index with a Google News sitemap, an RSS feed and a robots.txt.

use crate::server::{Route, Server};

const TOPICS: [&str; 6] = [
    "giao thông",
    "y tế",
    "giáo dục",
    "kinh tế",
    "văn hóa",
    "môi trường",
];
const PEOPLE: [(&str, &str); 6] = [
    ("Nguyễn Văn An", "Chủ tịch UBND tỉnh"),
    ("Trần Thị Bình", "Giám đốc Sở Y tế"),
    ("Lê Minh Cường", "Phó Chủ tịch HĐND tỉnh"),
    ("Phạm Quốc Dũng", "Bí thư Tỉnh ủy"),
    ("Hoàng Thu Hà", "Giám đốc Sở Giáo dục và Đào tạo"),
    ("Võ Thanh Hải", "Chủ tịch UBND thành phố"),
];

/// Words for the part of each story that is its own, so that no two fixture
/// articles are near-duplicates of each other (as no two real stories are).
const WORDS: [&str; 48] = [
    "người",
    "dân",
    "cán",
    "bộ",
    "xã",
    "huyện",
    "đường",
    "cầu",
    "trường",
    "học",
    "bệnh",
    "viện",
    "nông",
    "dân",
    "lúa",
    "gạo",
    "cá",
    "biển",
    "rừng",
    "núi",
    "sông",
    "nước",
    "điện",
    "mưa",
    "bão",
    "lũ",
    "chợ",
    "hàng",
    "giá",
    "vốn",
    "thuế",
    "đất",
    "nhà",
    "xe",
    "tàu",
    "ga",
    "sân",
    "bay",
    "cảng",
    "hộ",
    "nghèo",
    "việc",
    "làm",
    "lương",
    "giống",
    "vườn",
    "trâu",
    "bò",
];

/// A paragraph of `n` words that only article `i` has.
pub fn own_paragraph(i: usize, n: usize) -> String {
    let mut x = (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let words: Vec<&str> = (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            WORDS[(x % WORDS.len() as u64) as usize]
        })
        .collect();
    format!("<p>Ghi nhận tại địa phương: {}.</p>", words.join(" "))
}

/// Path of article `i`.
pub fn article_path(i: usize) -> String {
    format!("/tin-tuc/bai-viet-{i}.html")
}

/// Headline of article `i`.
pub fn headline(i: usize) -> String {
    format!(
        "Tỉnh triển khai kế hoạch {} số {i} trong năm 2020",
        TOPICS[i % TOPICS.len()]
    )
}

/// An article page in a CMS layout; `version` changes the text (an edited article).
pub fn article_html(base: &str, i: usize, version: u32) -> String {
    let topic = TOPICS[i % TOPICS.len()];
    let (name, title) = PEOPLE[i % PEOPLE.len()];
    let day = 1 + i % 28;
    let url = format!("{base}{}", article_path(i));
    let edit = if version > 0 {
        format!(
            "<p>Cập nhật lần {version}: kế hoạch số {i} được bổ sung thêm nội dung mới về nguồn lực và tiến độ.</p>"
        )
    } else {
        String::new()
    };
    format!(
        r#"<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>{h} - Cổng thông tin Ví Dụ</title>
<link rel="canonical" href="{url}">
<meta property="og:type" content="article"><meta property="og:title" content="{h}">
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle","headline":"{h}","datePublished":"2020-09-{day:02}T15:19:00+07:00","articleSection":"Thời sự"}}</script>
</head><body>
<div class="header"><ul class="menu"><li><a href="/">Trang chủ</a></li><li><a href="/chuyen-muc/thoi-su.html">Thời sự</a></li></ul></div>
<div class="breadcrumb"><a href="/">Trang chủ</a> › <a href="/chuyen-muc/thoi-su.html">Thời sự</a></div>
<div class="article">
<h1 class="article-title">{h}</h1>
<div class="article-meta"><span class="date">{day:02}/09/2020 - 15:19</span></div>
<div class="article-sapo">Sáng {day}/9, tỉnh tổ chức hội nghị triển khai kế hoạch {topic} số {i}, với sự tham dự của lãnh đạo các sở, ngành và địa phương.</div>
<div class="article-body">
<p>Phát biểu tại hội nghị, ông {name}, {title}, nhấn mạnh kế hoạch {topic} số {i} là nhiệm vụ trọng tâm của năm 2020, cần được triển khai đồng bộ, quyết liệt và hiệu quả.</p>
<figure><img src="/images/{i}.jpg" alt="Hội nghị {i}"><figcaption>Quang cảnh hội nghị triển khai kế hoạch số {i}</figcaption></figure>
<p>Theo báo cáo, trong chín tháng đầu năm, ngành {topic} của tỉnh đã hoàn thành {pct} phần trăm chỉ tiêu đề ra, tăng so với cùng kỳ năm trước; nhiều mô hình mới được nhân rộng tại các huyện.</p>
<p>Bên cạnh kết quả đạt được, hội nghị cũng chỉ ra những hạn chế cần khắc phục như nguồn lực còn phân tán, tiến độ một số dự án chậm, công tác phối hợp giữa các đơn vị chưa chặt chẽ.</p>
{own}
{edit}<p>Kết thúc hội nghị, các đơn vị đã ký cam kết thực hiện kế hoạch số {i}, phấn đấu hoàn thành toàn bộ chỉ tiêu trước ngày 31/12/2020.</p>
</div>
<div class="related-news"><h3>Tin liên quan</h3><ul><li><a href="{prev}">Tin trước đó</a></li></ul></div>
</div>
<div class="footer"><p>© Cổng thông tin Ví Dụ</p></div>
</body></html>"#,
        h = headline(i),
        pct = 60 + i % 40,
        own = own_paragraph(i, 80),
        prev = article_path(i.saturating_sub(1)),
    )
}

fn page(body: String, content_type: &str) -> Route {
    Route::Page {
        body: body.into_bytes(),
        content_type: content_type.to_string(),
    }
}

/// Installs a portal of `n` articles (and `private` disallowed ones) on the server.
/// Articles 0..n/2 are in the news sitemap, the rest in a plain urlset; the RSS feed
/// and the listing pages link to some of them again.
pub fn install(server: &Server, n: usize, private: usize) {
    let base = format!("http://{}", server.addr);
    for i in 0..n {
        server.set(
            &article_path(i),
            page(article_html(&base, i, 0), "text/html; charset=utf-8"),
        );
    }
    for i in 0..private {
        server.set(
            &format!("/private/bai-{i}.html"),
            page(article_html(&base, 1000 + i, 0), "text/html; charset=utf-8"),
        );
    }
    server.set(
        "/robots.txt",
        page(format!("User-agent: *\nDisallow: /private/\nCrawl-delay: 0.01\n\nSitemap: {base}/sitemap.xml\n"), "text/plain"),
    );
    server.set(
        "/sitemap.xml",
        page(
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>{base}/sitemap-news.xml</loc></sitemap><sitemap><loc>{base}/sitemap-archive.xml</loc></sitemap></sitemapindex>"#),
            "application/xml",
        ),
    );
    let news: String = (0..n / 2)
        .map(|i| format!("<url><loc>{base}{}</loc><news:news><news:publication><news:name>Ví Dụ</news:name><news:language>vi</news:language></news:publication><news:publication_date>2020-09-{:02}T15:19:00+07:00</news:publication_date><news:title>{}</news:title></news:news></url>", article_path(i), 1 + i % 28, headline(i)))
        .collect();
    server.set(
        "/sitemap-news.xml",
        page(format!(r#"<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{news}</urlset>"#), "application/xml"),
    );
    let mut archive: String = (n / 2..n)
        .map(|i| {
            format!(
                "<url><loc>{base}{}</loc><lastmod>2020-09-{:02}</lastmod></url>",
                article_path(i),
                1 + i % 28
            )
        })
        .collect();
    archive
        .extend((0..private).map(|i| format!("<url><loc>{base}/private/bai-{i}.html</loc></url>")));
    server.set("/sitemap-archive.xml", page(format!(r#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{archive}</urlset>"#), "application/xml"));
    let items: String = (0..n.min(10)).map(|i| format!("<item><title>{}</title><link>{base}{}</link><pubDate>Thu, {:02} Sep 2020 15:19:00 +0700</pubDate></item>", headline(i), article_path(i), 1 + i % 28)).collect();
    server.set("/rss.xml", page(format!(r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Ví Dụ</title>{items}</channel></rss>"#), "application/rss+xml"));
    // Listing pages with pagination.
    let per_page = 20;
    let pages = n.div_ceil(per_page).max(1);
    for p in 1..=pages {
        let links: String = (((p - 1) * per_page)..(p * per_page).min(n))
            .map(|i| {
                format!(
                    "<li><a href=\"{}\">{}</a></li>",
                    article_path(i),
                    headline(i)
                )
            })
            .collect();
        let next = if p < pages {
            format!(
                "<a class=\"next\" href=\"/chuyen-muc/thoi-su.html?page={}\">Trang sau</a>",
                p + 1
            )
        } else {
            String::new()
        };
        let path = if p == 1 {
            "/chuyen-muc/thoi-su.html".to_string()
        } else {
            format!("/chuyen-muc/thoi-su.html?page={p}")
        };
        server.set(&path, page(format!("<html lang=\"vi\"><body><h1>Thời sự</h1><ul class=\"list-news\">{links}</ul>{next}</body></html>"), "text/html; charset=utf-8"));
    }
}

/// A pipeline file for the portal on `server`, writing to `out`.
pub fn pipeline(server: &Server, out: &std::path::Path, extra_fetch: &str) -> String {
    let base = format!("http://{}", server.addr);
    format!(
        r#"[site]
id = "fixture-portal"
domains = ["127.0.0.1"]
language = "vi"
time_zone = "+07:00"

[discovery]
sitemaps = []
feeds = ["{base}/rss.xml"]
listings = ["{base}/chuyen-muc/thoi-su.html"]
follow = ['/chuyen-muc/']
allow = ['/tin-tuc/.+\.html$', '/private/.+\.html$', '/fault/']
max_depth = 5

[fetch]
concurrency = 8
per_host_concurrency = 8
per_host_rate = 0
allow_private_addresses = true
connect_timeout_secs = 2
read_timeout_secs = 2
total_timeout_secs = 3
retries = 2
backoff_secs = 0.05
{extra_fetch}

[output]
dir = "{out}"
"#,
        out = out.display()
    )
}
