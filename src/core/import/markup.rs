//! Moodle's text formats turned into plain text: `[html]` (tags dropped, block ends and
//! `<br>` as line breaks, entities decoded, images dropped and counted) and `[markdown]`
//! (emphasis and link marks dropped, images dropped and counted). The result is only ever
//! shown as text.

/// A GIFT text format marker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TextFormat {
    Plain,
    Html,
    Markdown,
}

impl TextFormat {
    /// The marker at the start of `text` (`[html]`, `[moodle]`, `[plain]`, `[markdown]`,
    /// any case) and the text after it.
    pub fn split_marker(text: &str) -> (Option<TextFormat>, &str) {
        let t = text.trim_start();
        for (marker, format) in [
            ("[html]", TextFormat::Html),
            ("[moodle]", TextFormat::Html),
            ("[plain]", TextFormat::Plain),
            ("[markdown]", TextFormat::Markdown),
        ] {
            if t.get(..marker.len()).is_some_and(|p| p.eq_ignore_ascii_case(marker)) {
                return (Some(format), t[marker.len()..].trim_start());
            }
        }
        (None, text)
    }

    /// The plain text, and how many images were dropped.
    pub fn to_plain(self, text: &str) -> (String, usize) {
        match self {
            TextFormat::Plain => (text.trim().to_string(), 0),
            TextFormat::Html => html_to_text(text),
            TextFormat::Markdown => markdown_to_text(text),
        }
    }
}

/// Tags whose end (or whose self) breaks the line.
const LINE_BREAKING: [&str; 14] =
    ["br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table"];

pub(crate) fn html_to_text(html: &str) -> (String, usize) {
    let mut out = String::new();
    let mut images = 0;
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open].replace(['\n', '\r', '\t'], " "));
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else {
            out.push_str(&rest[open..].replace(['\n', '\r', '\t'], " "));
            rest = "";
            break;
        };
        let tag = after[..close].trim();
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        rest = &after[close + 1..];
        match name.as_str() {
            "img" => images += 1,
            "script" | "style" if !tag.starts_with('/') => {
                let end = format!("</{name}");
                let lower = rest.to_ascii_lowercase();
                rest = lower.find(&end).map_or("", |at| rest[at..].split_once('>').map_or("", |(_, r)| r));
            }
            n if LINE_BREAKING.contains(&n) && (n == "br" || tag.starts_with('/')) => out.push('\n'),
            _ => {}
        }
    }
    out.push_str(&rest.replace(['\n', '\r', '\t'], " "));
    let decoded = decode_entities(&out);
    let mut lines: Vec<String> = Vec::new();
    for line in decoded.split('\n') {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if !(line.is_empty() && lines.last().is_none_or(|l: &String| l.is_empty())) {
            lines.push(line);
        }
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    (lines.join("\n"), images)
}

fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..].find(';').map(|e| e + 1).filter(|e| *e <= 10);
        let decoded = end.and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Drops `![alt](src)` images (counted), keeps a link's text, and removes `**`, `__`, `` ` ``
/// and heading marks.
pub(crate) fn markdown_to_text(text: &str) -> (String, usize) {
    let mut out = String::new();
    let mut images = 0;
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    // `[text](target)` starting at `i`: (text, index after the closing parenthesis).
    let link = |i: usize| -> Option<(String, usize)> {
        let close = chars[i + 1..].iter().position(|c| *c == ']')? + i + 1;
        if chars.get(close + 1) != Some(&'(') {
            return None;
        }
        let end = chars[close + 2..].iter().position(|c| *c == ')')? + close + 2;
        Some((chars[i + 1..close].iter().collect(), end + 1))
    };
    while i < chars.len() {
        match chars[i] {
            '!' if chars.get(i + 1) == Some(&'[') => match link(i + 1) {
                Some((_, next)) => {
                    images += 1;
                    i = next;
                }
                None => {
                    out.push('!');
                    i += 1;
                }
            },
            '[' => match link(i) {
                Some((label, next)) => {
                    out.push_str(&label);
                    i = next;
                }
                None => {
                    out.push('[');
                    i += 1;
                }
            },
            '*' | '_' if chars.get(i + 1) == Some(&chars[i]) => i += 2,
            '`' => i += 1,
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    let lines: Vec<&str> = out.lines().map(|l| l.trim_start_matches('#').trim()).collect();
    (lines.join("\n").trim().to_string(), images)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_plain_text_with_line_breaks() {
        assert_eq!(html_to_text("<p>水的沸点是</p>\n<p>多少&nbsp;℃？</p>"), ("水的沸点是\n多少 ℃？".into(), 0));
        assert_eq!(html_to_text("第一行<br/>第二行<br>第三行"), ("第一行\n第二行\n第三行".into(), 0));
        assert_eq!(
            html_to_text(r#"<p dir="ltr" style="text-align: left;">看图<img src="@@PLUGINFILE@@/a.png" alt="图"></p>"#),
            ("看图".into(), 1)
        );
        assert_eq!(
            html_to_text("&lt;b&gt; 不是标签 &amp; &#27700; &#x6C34; &bogus; a&b"),
            ("<b> 不是标签 & 水 水 &bogus; a&b".into(), 0)
        );
        assert_eq!(html_to_text("<script>alert(1)</script>安全<style>p{}</style>"), ("安全".into(), 0));
        assert_eq!(html_to_text("<ul><li>甲</li><li>乙</li></ul>"), ("甲\n乙".into(), 0));
        assert_eq!(html_to_text("1 < 2"), ("1 < 2".into(), 0));
    }

    #[test]
    fn markdown_becomes_plain_text() {
        assert_eq!(markdown_to_text("**水**的化学式是 `H2O`"), ("水的化学式是 H2O".into(), 0));
        assert_eq!(markdown_to_text("见 ![图](a.png) 与 [百科](https://example.org)"), ("见  与 百科".into(), 1));
        assert_eq!(markdown_to_text("## 标题\n正文"), ("标题\n正文".into(), 0));
    }

    #[test]
    fn markers_are_read_in_any_case() {
        assert_eq!(TextFormat::split_marker("[HTML]<p>x</p>"), (Some(TextFormat::Html), "<p>x</p>"));
        assert_eq!(TextFormat::split_marker("  [plain] x"), (Some(TextFormat::Plain), "x"));
        assert_eq!(TextFormat::split_marker("x"), (None, "x"));
    }
}
