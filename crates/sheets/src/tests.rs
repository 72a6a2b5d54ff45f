use crate::{Limits, SheetError, SheetWriter, Table, read_rows};
use domain::roster::Cell;
use std::ops::ControlFlow;
use std::path::Path;

fn rows(path: &Path, limits: Limits) -> Result<Vec<(usize, Vec<Cell>)>, SheetError> {
    let mut out = Vec::new();
    read_rows(path, None, limits, |n, cells| {
        out.push((n, cells));
        ControlFlow::Continue(())
    })?;
    Ok(out)
}

fn text(s: &str) -> Cell {
    Cell::Text(s.into())
}

#[test]
fn xlsx_with_title_rows_numbers_and_dates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("roster.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "建湖县某公司会员花名册").unwrap();
    ws.write_string(2, 0, "姓名").unwrap();
    ws.write_string(2, 2, "身份证号").unwrap();
    ws.write_string(3, 0, "王芳").unwrap();
    ws.write_number(3, 2, 320925199001011234.0).unwrap();
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2023, 5, 1).unwrap();
    ws.write_datetime_with_format(3, 3, &date, &rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd")).unwrap();
    wb.save(&path).unwrap();

    let got = rows(&path, Limits::default()).unwrap();
    assert_eq!(got.len(), 3, "blank row 2 skipped: {got:?}");
    assert_eq!(got[0], (1, vec![text("建湖县某公司会员花名册")]));
    assert_eq!(got[1], (3, vec![text("姓名"), Cell::Empty, text("身份证号")]));
    assert_eq!(got[2].0, 4);
    assert!(matches!(got[2].1[2], Cell::Number(_)), "an ID typed as a number stays a number, to be refused");
    assert_eq!(got[2].1[3], Cell::Date(time::macros::date!(2023 - 05 - 01)));
}

#[test]
fn csv_in_gbk_and_utf8_with_bom() {
    let dir = tempfile::tempdir().unwrap();
    let content = "姓名,身份证号,所属工会\n张三,320925199001011234,建阳镇总工会\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(content);
    let gbk_path = dir.path().join("gbk.csv");
    std::fs::write(&gbk_path, &gbk).unwrap();
    let bom_path = dir.path().join("bom.csv");
    std::fs::write(&bom_path, [b"\xEF\xBB\xBF".as_slice(), content.as_bytes()].concat()).unwrap();
    for p in [&gbk_path, &bom_path] {
        let got = rows(p, Limits::default()).unwrap();
        assert_eq!(got[0], (1, vec![text("姓名"), text("身份证号"), text("所属工会")]), "{p:?}");
        assert_eq!(got[1].1[2], text("建阳镇总工会"), "{p:?}");
    }
}

#[test]
fn limits_are_checked_before_parsing() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.csv");
    std::fs::write(&big, "a,b\n".repeat(1000)).unwrap();
    let small = Limits { max_file_bytes: 100, ..Limits::default() };
    assert!(matches!(rows(&big, small), Err(SheetError::TooLarge { .. })));
    let few_rows = Limits { max_rows: 10, ..Limits::default() };
    assert!(matches!(rows(&big, few_rows), Err(SheetError::TooManyRows(10))));

    // A zip whose entries claim far more than they occupy.
    let bomb = dir.path().join("bomb.xlsx");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&bomb).unwrap());
    zip.start_file("xl/worksheets/sheet1.xml", zip::write::SimpleFileOptions::default()).unwrap();
    std::io::Write::write_all(&mut zip, &vec![b' '; 20 << 20]).unwrap();
    zip.finish().unwrap();
    let strict = Limits { max_uncompressed_bytes: 10 << 20, ..Limits::default() };
    assert!(matches!(rows(&bomb, strict), Err(SheetError::ZipBomb { .. })));

    let junk = dir.path().join("junk.xlsx");
    std::fs::write(&junk, b"PK\x03\x04 not really a zip").unwrap();
    assert!(matches!(rows(&junk, Limits::default()), Err(SheetError::Xlsx(_))));
}

#[test]
fn writer_round_trips_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.xlsx");
    let mut w =
        SheetWriter::new(&Table { sheet_name: "会员", columns: &[("姓名", 10.0), ("身份证号", 22.0)] }).unwrap();
    w.row(&["王芳", "320925199001011234"]).unwrap();
    w.save(&path).unwrap();
    let got = rows(&path, Limits::default()).unwrap();
    assert_eq!(got[1].1, vec![text("王芳"), text("320925199001011234")]);
}

#[test]
fn figures_are_numbers_with_their_formats() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("figures.xlsx");
    let columns = &[("单位", 20.0), ("受理", 8.0), ("按期率", 8.0), ("平均", 8.0), ("金额", 12.0), ("空", 8.0)];
    let mut w = SheetWriter::new(&Table { sheet_name: "办理情况", columns }).unwrap();
    use crate::Number::*;
    w.numbers(&[Text("建阳镇".into()), Count(12), Percent(0.875), Decimal(3.5), Yuan(3_000_000.0), Empty]).unwrap();
    w.save(&path).unwrap();
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let sheet = book.worksheet_range("办理情况").unwrap();
    let row: Vec<&Data> = sheet.rows().nth(1).unwrap().iter().collect();
    assert_eq!(row[0], &Data::String("建阳镇".into()));
    assert_eq!(row[1], &Data::Float(12.0));
    assert_eq!(row[2], &Data::Float(0.875));
    assert_eq!(row[3], &Data::Float(3.5));
    assert_eq!(row[4], &Data::Float(3_000_000.0));
}

#[test]
fn csv_cells_never_start_a_formula() {
    use crate::{csv_cell, csv_uncell};
    for (raw, safe) in [("=1+2", "'=1+2"), ("+86", "'+86"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx")] {
        assert_eq!(csv_cell(raw), safe);
        assert_eq!(csv_uncell(safe), raw);
    }
    assert_eq!(csv_cell("王芳"), "王芳");
    assert_eq!(csv_uncell("'王芳"), "'王芳", "an apostrophe of one's own stays");
}
