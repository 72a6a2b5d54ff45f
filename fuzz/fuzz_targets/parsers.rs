//! ID numbers, credit codes, phones, dates and roster rows from arbitrary text: an answer,
//! never a panic.
#![no_main]
use domain::roster::{Cell, find_header, read_member_row};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = domain::IdCardNo::parse(text);
    let _ = domain::CreditCode::parse(text);
    let _ = domain::PhoneNo::parse(text);
    let _ = domain::parse_date(text);
    let cells: Vec<Cell> = text.split(',').map(|s| if s.is_empty() { Cell::Empty } else { Cell::Text(s.to_string()) }).collect();
    let header = ["姓名", "身份证号", "手机号", "所属工会", "入会日期", "是否农民工", "技能等级", "新就业形态", "劳模级别"];
    let map = find_header(&header.map(|h| Cell::Text(h.into()))).expect("template header");
    let _ = find_header(&cells);
    let _ = read_member_row(&map, 2, &cells, time::macros::date!(2026 - 11 - 25));
});
