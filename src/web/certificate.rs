//! Drawing the 电子证书 and the 分享 poster on a `<canvas>`, as PNG data URLs. Only the
//! certificate's own wasm (`src/bin/certificate.rs`) calls this, so none of it (nor the QR
//! encoder) is in the phone's first download. Text is set in the system's CJK fonts and fitted
//! by `core::exchange::certificate::fit_text`: long names and titles wrap or shrink, never overflow.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d as Ctx, HtmlCanvasElement};

use crate::core::exchange::certificate::{fit_text, qr_modules, CertificateRequest};
use crate::core::Lang;

/// The certificate's size in pixels (A4's proportions).
pub const CERTIFICATE_SIZE: (u32, u32) = (1080, 1528);
/// The poster's size in pixels.
pub const POSTER_SIZE: (u32, u32) = (1080, 1440);

const FONTS: &str = r#""PingFang SC","Noto Sans CJK SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif"#;
const MONO: &str = r#""SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace"#;
const RED: &str = "#a61b29";
const GOLD: &str = "#b8893a";
const INK: &str = "#1f1f1f";
const GREY: &str = "#5c5c5c";

struct Canvas {
    canvas: HtmlCanvasElement,
    ctx: Ctx,
}

fn font(size: u32, bold: bool) -> String {
    format!("{}{size}px {FONTS}", if bold { "bold " } else { "" })
}

impl Canvas {
    fn new((width, height): (u32, u32)) -> Result<Canvas, JsValue> {
        let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
        let canvas: HtmlCanvasElement = document.create_element("canvas")?.dyn_into()?;
        canvas.set_width(width);
        canvas.set_height(height);
        let ctx: Ctx = canvas.get_context("2d")?.ok_or("no 2d context")?.dyn_into()?;
        Ok(Canvas { canvas, ctx })
    }

    fn width_of(&self, text: &str, css_font: &str) -> f64 {
        self.ctx.set_font(css_font);
        self.ctx.measure_text(text).map(|m| m.width()).unwrap_or(0.0)
    }

    /// `text` fitted to `width` (sizes `largest` down to `smallest`, at most `lines` lines),
    /// centred on `x`, its first baseline at `y`; returns the baseline after the last line.
    #[allow(clippy::too_many_arguments)]
    fn fitted(
        &self,
        text: &str,
        x: f64,
        y: f64,
        width: f64,
        largest: u32,
        smallest: u32,
        lines: usize,
        bold: bool,
    ) -> f64 {
        let (size, rows) = fit_text(text, width, largest, smallest, lines, |t, s| self.width_of(t, &font(s, bold)));
        self.ctx.set_font(&font(size, bold));
        let step = f64::from(size) * 1.3;
        let mut at = y;
        for row in &rows {
            let _ = self.ctx.fill_text(row, x, at);
            at += step;
        }
        at - step
    }

    fn text(&self, text: &str, x: f64, y: f64, css_font: &str, color: &str) {
        self.ctx.set_font(css_font);
        self.ctx.set_fill_style_str(color);
        let _ = self.ctx.fill_text(text, x, y);
    }

    fn rounded(&self, x: f64, y: f64, w: f64, h: f64, r: f64) {
        let c = &self.ctx;
        c.begin_path();
        c.move_to(x + r, y);
        let _ = c.arc_to(x + w, y, x + w, y + h, r);
        let _ = c.arc_to(x + w, y + h, x, y + h, r);
        let _ = c.arc_to(x, y + h, x, y, r);
        let _ = c.arc_to(x, y, x + w, y, r);
        c.close_path();
    }

    fn png(&self) -> Result<String, JsValue> {
        self.canvas.to_data_url_with_type("image/png")
    }
}

/// The certificate as `{ image, code, width, height }`.
pub fn certificate(request: &CertificateRequest) -> Result<JsValue, JsValue> {
    let (w, h) = CERTIFICATE_SIZE;
    let (w, h) = (f64::from(w), f64::from(h));
    let cv = Canvas::new(CERTIFICATE_SIZE)?;
    let c = &cv.ctx;
    let zh = request.lang == Lang::Zh;
    let code = request.code();

    c.set_fill_style_str("#fdf8ec");
    c.fill_rect(0.0, 0.0, w, h);
    // Frame: a red band, a gold rule inside it, gold corner squares.
    c.set_stroke_style_str(RED);
    c.set_line_width(18.0);
    c.stroke_rect(36.0, 36.0, w - 72.0, h - 72.0);
    c.set_stroke_style_str(GOLD);
    c.set_line_width(3.0);
    c.stroke_rect(62.0, 62.0, w - 124.0, h - 124.0);
    c.set_line_width(2.0);
    c.stroke_rect(72.0, 72.0, w - 144.0, h - 144.0);
    c.set_fill_style_str(GOLD);
    for (x, y) in [(52.0, 52.0), (w - 80.0, 52.0), (52.0, h - 80.0), (w - 80.0, h - 80.0)] {
        c.fill_rect(x, y, 28.0, 28.0);
    }

    c.set_text_align("center");
    c.set_text_baseline("alphabetic");
    let mid = w / 2.0;
    let inner = w - 240.0;
    // Heading.
    if zh {
        cv.text("荣 誉 证 书", mid, 250.0, &font(112, true), RED);
        cv.text("CERTIFICATE OF HONOR", mid, 305.0, &font(28, false), GOLD);
    } else {
        cv.text("CERTIFICATE", mid, 240.0, &font(104, true), RED);
        cv.text("of participation", mid, 300.0, &font(40, false), GOLD);
    }
    // The contest, large.
    c.set_fill_style_str(INK);
    let after_title = cv.fitted(&request.title, mid, 420.0, inner, 60, 34, 2, true);
    let rule_y = after_title + 56.0;
    c.set_fill_style_str(GOLD);
    c.fill_rect(mid - 180.0, rule_y, 360.0, 3.0);
    c.fill_rect(mid - 10.0, rule_y - 8.0, 20.0, 20.0);

    // The person, prominent.
    let name_y = rule_y + 190.0;
    cv.text(if zh { "授予" } else { "This is to certify that" }, mid, name_y - 84.0, &font(34, false), GREY);
    c.set_fill_style_str(INK);
    let after_name = cv.fitted(&request.name, mid, name_y + 30.0, inner - 80.0, 104, 44, 2, true);
    c.set_fill_style_str(GOLD);
    c.fill_rect(mid - 300.0, after_name + 34.0, 600.0, 2.0);
    c.set_fill_style_str(GREY);
    let mut y = after_name + 96.0;
    if !request.region.is_empty() {
        y = cv.fitted(&request.region, mid, y, inner, 36, 26, 2, false) + 70.0;
    } else {
        y += 20.0;
    }

    // The achievement and the score.
    c.set_fill_style_str(INK);
    let praise = if zh {
        "在本次竞赛中完成答题，特发此证，以资鼓励。".to_string()
    } else {
        "took part in this contest and finished a round with the score below.".to_string()
    };
    y = cv.fitted(&praise, mid, y, inner, 36, 26, 2, false) + 190.0;
    let score = request.score.to_string();
    let of = if zh { format!(" / {} 分", request.max_score) } else { format!(" / {} points", request.max_score) };
    let score_w = cv.width_of(&score, &font(150, true));
    let of_w = cv.width_of(&of, &font(44, false));
    let left = mid - (score_w + of_w) / 2.0;
    c.set_text_align("left");
    cv.text(&score, left, y, &font(150, true), RED);
    cv.text(&of, left + score_w, y, &font(44, false), GREY);

    // Organizer and date, bottom right; the code, bottom left.
    c.set_text_align("right");
    let right = w - 130.0;
    let bottom = h - 150.0;
    c.set_fill_style_str(INK);
    if !request.organizer.is_empty() {
        let (size, rows) = fit_text(&request.organizer, 520.0, 38, 24, 2, |t, s| cv.width_of(t, &font(s, true)));
        c.set_font(&font(size, true));
        let step = f64::from(size) * 1.3;
        for (i, row) in rows.iter().enumerate() {
            let _ = c.fill_text(row, right, bottom - 60.0 - step * (rows.len() - 1 - i) as f64);
        }
    }
    cv.text(&request.date(), right, bottom, &font(34, false), GREY);

    c.set_text_align("left");
    let left = 130.0;
    cv.text(if zh { "证书验证码" } else { "Verification code" }, left, bottom - 60.0, &font(26, false), GREY);
    cv.text(&code, left, bottom - 10.0, &format!("bold 40px {MONO}"), INK);
    cv.text(
        if zh {
            "主办方可在管理页“核验证书”处查验"
        } else {
            "The organizer can check it on their page"
        },
        left,
        bottom + 34.0,
        &font(22, false),
        GREY,
    );
    drawn(&cv, &code)
}

/// The 分享 poster as `{ image, code, width, height }`: the score, the contest's title and a
/// QR code of the contest's address.
pub fn poster(request: &CertificateRequest) -> Result<JsValue, JsValue> {
    let (w, h) = POSTER_SIZE;
    let (w, h) = (f64::from(w), f64::from(h));
    let cv = Canvas::new(POSTER_SIZE)?;
    let c = &cv.ctx;
    let zh = request.lang == Lang::Zh;

    let sky = c.create_linear_gradient(0.0, 0.0, 0.0, h);
    let _ = sky.add_color_stop(0.0, "#1565c0");
    let _ = sky.add_color_stop(1.0, "#0d3a7a");
    c.set_fill_style_canvas_gradient(&sky);
    c.fill_rect(0.0, 0.0, w, h);
    // A few light circles for depth.
    c.set_fill_style_str("rgba(255,255,255,0.06)");
    for (x, y, r) in [(960.0, 120.0, 260.0), (80.0, 620.0, 180.0), (900.0, 1180.0, 200.0)] {
        c.begin_path();
        let _ = c.arc(x, y, r, 0.0, std::f64::consts::TAU);
        c.fill();
    }

    c.set_text_align("center");
    let mid = w / 2.0;
    cv.text(if zh { "我参加了" } else { "I took part in" }, mid, 150.0, &font(42, false), "#cfe0ff");
    c.set_fill_style_str("#ffffff");
    let after_title = cv.fitted(&request.title, mid, 240.0, w - 160.0, 64, 36, 3, true);

    // The score on a white card.
    let card_y = after_title + 70.0;
    c.set_fill_style_str("#ffffff");
    cv.rounded(90.0, card_y, w - 180.0, 440.0, 36.0);
    c.fill();
    cv.text(if zh { "我的成绩" } else { "My score" }, mid, card_y + 90.0, &font(40, false), GREY);
    let score = request.score.to_string();
    let of = if zh { format!(" / {} 分", request.max_score) } else { format!(" / {}", request.max_score) };
    let score_w = cv.width_of(&score, &font(200, true));
    let of_w = cv.width_of(&of, &font(48, false));
    let left = mid - (score_w + of_w) / 2.0;
    c.set_text_align("left");
    cv.text(&score, left, card_y + 300.0, &font(200, true), "#e8590c");
    cv.text(&of, left + score_w, card_y + 300.0, &font(48, false), GREY);
    c.set_text_align("center");
    c.set_fill_style_str(INK);
    cv.fitted(&request.name, mid, card_y + 390.0, w - 260.0, 44, 28, 1, true);

    // The QR code of the contest's address, with its quiet zone, and what it is for.
    let qr_size = 340.0;
    let qr_x = 110.0;
    let qr_y = h - qr_size - 110.0;
    c.set_fill_style_str("#ffffff");
    cv.rounded(qr_x - 20.0, qr_y - 20.0, qr_size + 40.0, qr_size + 40.0, 24.0);
    c.fill();
    if let Some(rows) = qr_modules(&request.address) {
        let quiet = 2.0;
        let cell = qr_size / (rows.len() as f64 + 2.0 * quiet);
        c.set_fill_style_str("#000000");
        for (i, row) in rows.iter().enumerate() {
            for (j, dark) in row.iter().enumerate() {
                if *dark {
                    // A hair wider than the cell, so neighbours join without seams.
                    c.fill_rect(
                        qr_x + (j as f64 + quiet) * cell,
                        qr_y + (i as f64 + quiet) * cell,
                        cell + 0.5,
                        cell + 0.5,
                    );
                }
            }
        }
    }
    c.set_text_align("left");
    let text_x = qr_x + qr_size + 60.0;
    let text_w = w - text_x - 80.0;
    c.set_fill_style_str("#ffffff");
    let y =
        cv.fitted_left(if zh { "扫码一起来答题" } else { "Scan to play too" }, text_x, qr_y + 90.0, text_w, 52, 30, 2);
    c.set_fill_style_str("#cfe0ff");
    let y = cv.fitted_left(
        if zh { "长按图片识别二维码" } else { "Press and hold the picture to scan the code" },
        text_x,
        y + 70.0,
        text_w,
        30,
        22,
        3,
    );
    if !request.organizer.is_empty() {
        cv.fitted_left(
            &format!("{}{}", if zh { "主办：" } else { "Organizer: " }, request.organizer),
            text_x,
            y + 70.0,
            text_w,
            28,
            20,
            2,
        );
    }
    drawn(&cv, "")
}

impl Canvas {
    /// Like [`Canvas::fitted`], in regular weight, for left-aligned text starting at `x`.
    #[allow(clippy::too_many_arguments)]
    fn fitted_left(&self, text: &str, x: f64, y: f64, width: f64, largest: u32, smallest: u32, lines: usize) -> f64 {
        self.fitted(text, x, y, width, largest, smallest, lines, false)
    }
}

fn drawn(cv: &Canvas, code: &str) -> Result<JsValue, JsValue> {
    let out = js_sys::Object::new();
    js_sys::Reflect::set(&out, &"image".into(), &cv.png()?.into())?;
    js_sys::Reflect::set(&out, &"code".into(), &code.into())?;
    js_sys::Reflect::set(&out, &"width".into(), &cv.canvas.width().into())?;
    js_sys::Reflect::set(&out, &"height".into(), &cv.canvas.height().into())?;
    Ok(out.into())
}

/// What the result page's card says the images show: its `data-*` attributes (the page's
/// address, without its fragment, when it names none).
pub fn request_of(card: &web_sys::Element) -> CertificateRequest {
    let text = |name: &str| card.get_attribute(&format!("data-{name}")).unwrap_or_default();
    let number = |name: &str| text(name).parse().unwrap_or(0);
    let mut address = text("address");
    if address.is_empty() {
        let href = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
        address = href.split('#').next().unwrap_or_default().to_string();
    }
    CertificateRequest {
        lang: if text("lang") == "en" { Lang::En } else { Lang::Zh },
        contest_id: text("contest-id"),
        title: text("title"),
        organizer: text("organizer"),
        person: text("person"),
        name: text("name"),
        region: text("region"),
        attempt: text("attempt"),
        score: number("score") as u32,
        max_score: number("max-score") as u32,
        finished_at: number("finished-at"),
        receipt: Some(text("receipt")).filter(|r| !r.is_empty()),
        address,
    }
}

/// Draws `what` (`certificate` or `poster`) and, given a `place` on the result page, shows it
/// there: the image (an `<img>` of the PNG data, which WeChat's browser saves on a long press),
/// the certificate's code, and a link that downloads the PNG. A second drawing of the same kind
/// replaces the first. Returns `{ image, code, width, height }`.
pub fn draw(what: &str, request: &CertificateRequest, place: Option<&web_sys::Element>) -> Result<JsValue, JsValue> {
    let certificate = what == "certificate";
    let drawn = if certificate { self::certificate(request)? } else { poster(request)? };
    let Some(place) = place else { return Ok(drawn) };
    let field =
        |name: &str| js_sys::Reflect::get(&drawn, &name.into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
    let (image, code) = (field("image"), field("code"));
    let lang = request.lang;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let element = |tag: &str, attributes: &[(&str, &str)], text: &str| -> Result<web_sys::Element, JsValue> {
        let e = document.create_element(tag)?;
        for (name, value) in attributes {
            e.set_attribute(name, value)?;
        }
        if !text.is_empty() {
            e.set_text_content(Some(text));
        }
        Ok(e)
    };
    let kind = if certificate { "certificate" } else { "poster" };
    let figure = element("figure", &[("class", "keepsake"), ("data-kind", kind)], "")?;
    let alt =
        if certificate { lang.pick("电子证书", "Certificate") } else { lang.pick("分享图", "Picture to share") };
    let img = element("img", &[("data-testid", kind), ("src", &image), ("alt", alt)], "")?;
    figure.append_child(&img)?;
    let caption = element("figcaption", &[], "")?;
    if certificate {
        caption.append_child(&document.create_text_node(lang.pick("验证码：", "Verification code: ")))?;
        let strong = element("strong", &[("class", "code"), ("data-testid", "certificate-code")], &code)?;
        caption.append_child(&strong)?;
        let br = element("br", &[], "")?;
        caption.append_child(&br)?;
    }
    caption
        .append_child(&document.create_text_node(
            lang.pick("长按图片可保存或发送给朋友", "Press and hold the image to save or send it"),
        ))?;
    figure.append_child(&caption)?;
    let file = format!(
        "{}-{}-{}.png",
        request.contest_id,
        if certificate { lang.pick("证书", "certificate") } else { lang.pick("分享", "share") },
        request.attempt
    );
    let label = if certificate {
        lang.pick("下载证书 PNG", "Download the certificate (PNG)")
    } else {
        lang.pick("下载分享图 PNG", "Download the picture (PNG)")
    };
    let testid = format!("{kind}-download");
    let link = element(
        "a",
        &[("class", "button secondary"), ("data-testid", &testid), ("href", &image), ("download", &file)],
        label,
    )?;
    figure.append_child(&link)?;
    match place.query_selector(&format!("[data-kind={kind}]"))? {
        Some(old) => old.replace_with_with_node_1(&figure)?,
        // The certificate above the poster, whichever came first.
        None => match place.query_selector("[data-kind=poster]")?.filter(|_| certificate) {
            Some(poster) => poster.before_with_node_1(&figure)?,
            None => place.append_child(&figure).map(drop)?,
        },
    }
    Ok(drawn)
}
