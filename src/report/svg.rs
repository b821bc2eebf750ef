//! Charts as inline SVG, drawn here: the report must open with no network and no
//! script, so the charts are markup, not a library fetched from a CDN.

use std::fmt::Write as _;

/// Colours of series, in order (colour-blind friendly, Okabe–Ito).
pub const PALETTE: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999",
];

const W: f64 = 900.0;
const H: f64 = 260.0;
const LEFT: f64 = 56.0;
const BOTTOM: f64 = 40.0;
const TOP: f64 = 12.0;

/// HTML-escaped text.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A round upper bound for an axis, and its tick step.
fn nice_max(v: f64) -> (f64, f64) {
    if v <= 0.0 {
        return (1.0, 0.25);
    }
    let mag = 10f64.powf(v.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * mag >= v {
            let top = m * mag;
            return (top, top / 4.0);
        }
    }
    (v, v / 4.0)
}

fn y_axis(s: &mut String, max: f64, step: f64, percent: bool) {
    let plot_h = H - TOP - BOTTOM;
    let mut v = 0.0;
    while v <= max + 1e-9 {
        let y = TOP + plot_h - v / max * plot_h;
        let label = if percent {
            format!("{:.0}%", v * 100.0)
        } else if v.fract() == 0.0 {
            format!("{v:.0}")
        } else {
            format!("{v:.1}")
        };
        let _ = write!(
            s,
            r##"<line x1="{LEFT}" x2="{W}" y1="{y:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" text-anchor="end" font-size="11">{label}</text>"##,
            LEFT - 6.0,
            y + 4.0
        );
        v += step;
    }
}

fn legend(s: &mut String, names: &[String]) {
    s.push_str(r#"<div class="legend">"#);
    for (i, n) in names.iter().enumerate() {
        let _ = write!(
            s,
            r#"<span><i style="background:{}"></i>{}</span>"#,
            PALETTE[i % PALETTE.len()],
            esc(n)
        );
    }
    s.push_str("</div>");
}

/// Stacked bars: one bar per x label, one segment per series.
pub fn stacked_bars(id: &str, labels: &[String], series: &[(String, Vec<f64>)]) -> String {
    let totals: Vec<f64> = (0..labels.len())
        .map(|i| series.iter().map(|(_, v)| v[i]).sum())
        .collect();
    let (max, step) = nice_max(totals.iter().cloned().fold(0.0, f64::max));
    let mut s = format!(
        r#"<svg class="chart" id="{id}" viewBox="0 0 {W} {H}" role="img" xmlns="http://www.w3.org/2000/svg">"#
    );
    y_axis(&mut s, max, step, false);
    let plot_w = W - LEFT - 8.0;
    let plot_h = H - TOP - BOTTOM;
    let n = labels.len().max(1) as f64;
    let bw = (plot_w / n * 0.8).max(1.0);
    let every = (labels.len() / 12).max(1);
    for (i, label) in labels.iter().enumerate() {
        let x = LEFT + plot_w * (i as f64 + 0.1) / n;
        let mut y = TOP + plot_h;
        for (k, (name, values)) in series.iter().enumerate() {
            let h = values[i] / max * plot_h;
            if h <= 0.0 {
                continue;
            }
            y -= h;
            let _ = write!(
                s,
                r#"<rect class="bar" x="{x:.1}" y="{y:.1}" width="{bw:.1}" height="{h:.1}" fill="{}"><title>{} {}: {}</title></rect>"#,
                PALETTE[k % PALETTE.len()],
                esc(label),
                esc(name),
                values[i]
            );
        }
        if i % every == 0 {
            let _ = write!(
                s,
                r#"<text x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle">{}</text>"#,
                x + bw / 2.0,
                H - BOTTOM + 14.0,
                esc(label)
            );
        }
    }
    s.push_str("</svg>");
    let names: Vec<String> = series.iter().map(|(n, _)| n.clone()).collect();
    legend(&mut s, &names);
    s
}

/// Horizontal bars, one per (label, value).
pub fn hbars(id: &str, rows: &[(String, f64)]) -> String {
    let row_h = 22.0;
    let h = row_h * rows.len().max(1) as f64 + 8.0;
    let label_w = 200.0;
    let max = rows.iter().map(|r| r.1).fold(0.0, f64::max).max(1.0);
    let mut s = format!(
        r#"<svg class="chart" id="{id}" viewBox="0 0 {W} {h}" role="img" xmlns="http://www.w3.org/2000/svg">"#
    );
    for (i, (label, v)) in rows.iter().enumerate() {
        let y = 4.0 + i as f64 * row_h;
        let w = v / max * (W - label_w - 80.0);
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="end">{}</text><rect class="bar" x="{label_w}" y="{y:.1}" width="{w:.1}" height="{:.1}" fill="{}"/><text x="{:.1}" y="{:.1}" font-size="12">{v}</text>"#,
            label_w - 8.0,
            y + 15.0,
            esc(label),
            row_h - 6.0,
            PALETTE[0],
            label_w + w + 6.0,
            y + 15.0
        );
    }
    s.push_str("</svg>");
    s
}

/// Lines over x labels, y a share from 0 to 1.
pub fn share_lines(id: &str, labels: &[String], series: &[(String, Vec<f64>)]) -> String {
    let mut s = format!(
        r#"<svg class="chart" id="{id}" viewBox="0 0 {W} {H}" role="img" xmlns="http://www.w3.org/2000/svg">"#
    );
    y_axis(&mut s, 1.0, 0.25, true);
    let plot_w = W - LEFT - 16.0;
    let plot_h = H - TOP - BOTTOM;
    let n = labels.len();
    let x_of = |i: usize| {
        if n <= 1 {
            LEFT + plot_w / 2.0
        } else {
            LEFT + 8.0 + plot_w * i as f64 / (n - 1) as f64
        }
    };
    let every = (n / 10).max(1);
    for (i, label) in labels.iter().enumerate() {
        if i % every == 0 || i + 1 == n {
            // The end labels lean inwards so that they are not cut at the edges.
            let anchor = match i {
                0 if n > 1 => "start",
                i if i + 1 == n && n > 1 => "end",
                _ => "middle",
            };
            let _ = write!(
                s,
                r#"<text x="{:.1}" y="{:.1}" font-size="10" text-anchor="{anchor}">{}</text>"#,
                x_of(i),
                H - BOTTOM + 14.0,
                esc(label)
            );
        }
    }
    for (k, (name, values)) in series.iter().enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        let points: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", x_of(i), TOP + plot_h - v * plot_h))
            .collect();
        let _ = write!(
            s,
            r#"<polyline class="line" fill="none" stroke="{colour}" stroke-width="2" points="{}"><title>{}</title></polyline>"#,
            points.join(" "),
            esc(name)
        );
        for (i, v) in values.iter().enumerate() {
            let _ = write!(
                s,
                r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{colour}"><title>{} {}: {:.0}%</title></circle>"#,
                x_of(i),
                TOP + plot_h - v * plot_h,
                esc(name),
                esc(&labels[i]),
                v * 100.0
            );
        }
    }
    s.push_str("</svg>");
    let names: Vec<String> = series.iter().map(|(n, _)| n.clone()).collect();
    legend(&mut s, &names);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_end_on_round_numbers() {
        assert_eq!(nice_max(7.0), (10.0, 2.5));
        assert_eq!(nice_max(130.0), (200.0, 50.0));
        assert_eq!(nice_max(0.0), (1.0, 0.25));
    }

    #[test]
    fn text_is_escaped_and_every_value_is_drawn() {
        assert_eq!(esc("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
        let svg = stacked_bars(
            "c",
            &["1/3".into(), "2/3".into()],
            &[("a<b".into(), vec![1.0, 0.0]), ("c".into(), vec![2.0, 3.0])],
        );
        assert_eq!(
            svg.matches("<rect").count(),
            3,
            "zero-height segments left out"
        );
        assert!(svg.contains("a&lt;b") && !svg.contains("a<b"));
        let lines = share_lines(
            "l",
            &["r1".into(), "r2".into()],
            &[("date".into(), vec![1.0, 0.5])],
        );
        assert_eq!(lines.matches("<circle").count(), 2);
        assert!(lines.contains("date r2: 50%"));
    }
}
