//! A small self-contained SVG chart: two bars a month and a rate.

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// One month of a chart: two bars and a rate, with the tooltip text.
pub(crate) struct ChartMonth {
    pub month: String,
    pub a: i64,
    pub b: i64,
    pub rate: Option<f64>,
    pub title: String,
}

/// A small self-contained chart: two bars each month, a line for a rate on a 0–100% axis at
/// the right. `legend` names the bars and the line.
pub(crate) fn bar_chart(months: &[ChartMonth], legend: [&str; 3], aria: &str) -> String {
    let (w, h, left, right, top, bottom) = (720.0, 300.0, 48.0, 48.0, 28.0, 40.0);
    let n = months.len().max(1) as f64;
    let plot_w = w - left - right;
    let plot_h = h - top - bottom;
    let max = months.iter().map(|m| m.a.max(m.b)).max().unwrap_or(0).max(1) as f64;
    // A round top for the axis.
    let step = {
        let raw = max / 4.0;
        let mag = 10f64.powf(raw.log10().floor());
        let norm = raw / mag;
        (if norm <= 1.0 {
            1.0
        } else if norm <= 2.0 {
            2.0
        } else if norm <= 5.0 {
            5.0
        } else {
            10.0
        }) * mag
    }
    .max(1.0);
    let top_value = step * 4.0;
    let y = |v: f64| top + plot_h - v / top_value * plot_h;
    let slot = plot_w / n;
    let bar = (slot * 0.35).min(18.0);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\" \
         font-family=\"sans-serif\" font-size=\"11\">",
        esc(aria)
    );
    for i in 0..=4 {
        let v = step * i as f64;
        let yy = y(v);
        s += &format!(
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"#e5e5e5\"/>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#666\">{}</text>\
             <text x=\"{}\" y=\"{:.1}\" fill=\"#666\">{}%</text>",
            w - right,
            left - 6.0,
            yy + 4.0,
            v as i64,
            w - right + 6.0,
            yy + 4.0,
            i * 25
        );
    }
    let mut line = Vec::new();
    for (i, m) in months.iter().enumerate() {
        let cx = left + slot * (i as f64 + 0.5);
        s += &format!(
            "<g><title>{}</title><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{:.1}\" fill=\"#c0392b\"/>\
             <rect x=\"{:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{:.1}\" fill=\"#7f8c8d\"/></g>",
            esc(&m.title),
            cx - bar,
            y(m.a as f64),
            (top + plot_h - y(m.a as f64)).max(0.0),
            cx,
            y(m.b as f64),
            (top + plot_h - y(m.b as f64)).max(0.0),
        );
        if i % ((n as usize).div_ceil(12)) == 0 {
            s += &format!(
                "<text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#333\">{}</text>",
                h - bottom + 16.0,
                esc(m.month.get(2..).unwrap_or(&m.month))
            );
        }
        if let Some(rate) = m.rate {
            line.push(format!("{cx:.1},{:.1}", top + plot_h - rate * plot_h));
        }
    }
    if line.len() > 1 {
        s += &format!("<polyline points=\"{}\" fill=\"none\" stroke=\"#2471a3\" stroke-width=\"2\"/>", line.join(" "));
    }
    let [a, b, r] = legend.map(esc);
    s += &format!(
        "<g transform=\"translate({left},14)\"><rect width=\"10\" height=\"10\" fill=\"#c0392b\"/>\
         <text x=\"14\" y=\"9\">{a}</text><rect x=\"56\" width=\"10\" height=\"10\" fill=\"#7f8c8d\"/>\
         <text x=\"70\" y=\"9\">{b}</text><line x1=\"112\" x2=\"126\" y1=\"5\" y2=\"5\" stroke=\"#2471a3\" stroke-width=\"2\"/>\
         <text x=\"130\" y=\"9\">{r}</text></g></svg>"
    );
    s
}
