//! A supervision letter (提示函, 意见书, 建议书) as a Word document: the title, its number, the
//! text as issued — the addressee's line, the body's paragraphs indented two characters, the
//! signature block to the right — in 仿宋 三号 on A4, as official letters are set.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use docx_rs::{AlignmentType, Docx, LineSpacing, Paragraph, Run, RunFonts, SpecialIndentType};
use store::StoreError;
use store::legal::supervision::Letter;

/// 三号 (16 pt) and 二号 (22 pt), in half-points; two 16 pt characters in twentieths of a point.
const BODY: usize = 32;
const TITLE: usize = 44;
const TWO_CHARS: i32 = 640;

/// The letter's title: "工会劳动法律监督意见书".
pub(super) fn title(l: &Letter) -> String {
    format!("工会劳动法律监督{}", l.kind_label)
}

fn run(text: &str, size: usize, font: &str) -> Run {
    Run::new().add_text(text).size(size).fonts(RunFonts::new().east_asia(font).ascii(font).hi_ansi(font))
}

fn spaced(p: Paragraph) -> Paragraph {
    p.line_spacing(LineSpacing::new().line(560).after(0))
}

/// The letter as .docx bytes.
pub(super) fn docx(l: &Letter) -> Result<Vec<u8>, StoreError> {
    let mut doc = Docx::new()
        .page_size(11906, 16838)
        .page_margin(docx_rs::PageMargin::new().top(2098).bottom(1984).left(1587).right(1474))
        .add_paragraph(spaced(Paragraph::new().add_run(run(&title(l), TITLE, "宋体").bold()).align(AlignmentType::Center)))
        .add_paragraph(spaced(Paragraph::new().add_run(run(&l.doc_no, BODY, "仿宋")).align(AlignmentType::Center)));
    let blocks: Vec<&str> = l.body.split("\n\n").map(str::trim).filter(|b| !b.is_empty()).collect();
    let last = blocks.len().saturating_sub(1);
    for (i, block) in blocks.iter().enumerate() {
        for line in block.lines().map(str::trim).filter(|s| !s.is_empty()) {
            let p = Paragraph::new().add_run(run(line, BODY, "仿宋"));
            let p = match i {
                0 => p,
                i if i == last && blocks.len() > 2 => p.align(AlignmentType::Right),
                _ => p.indent(None, Some(SpecialIndentType::FirstLine(TWO_CHARS)), None, None),
            };
            doc = doc.add_paragraph(spaced(p));
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    doc.pack(&mut out).map_err(|e| StoreError::Output(format!("docx: {e}")))?;
    Ok(out.into_inner())
}

/// The letter as a download named by its number.
pub(super) fn docx_response(l: &Letter) -> Result<Response, StoreError> {
    let bytes = docx(l)?;
    let name = format!("{}-{}.docx", title(l), l.doc_no);
    let disposition =
        format!("attachment; filename=\"letter.docx\"; filename*=UTF-8''{}", crate::auth::urlencode(&name).replace('+', "%20"));
    let kind = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    Ok(([(header::CONTENT_TYPE, kind.to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response())
}
