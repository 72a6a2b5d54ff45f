//! Reading member rosters as people keep them in spreadsheets: headers found wherever they
//! sit, columns in any order, full-width characters, spaces inside numbers, dates typed every
//! way or stored as Excel serials, 是/否 flags. Pure: the caller reads the file.

use crate::member::{MemberForm, parse_flag};
use crate::{Invalid, MemberDraft};

/// A cell as a spreadsheet gives it. CSV cells are all `Text`.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A number as Excel stores it (also dates when the cell is not formatted as a date).
    Number(f64),
    Date(time::Date),
}

impl Cell {
    /// The cell as a person reads it (and as a report writes it back).
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.clone(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => crate::fmt_date(*d),
        }
    }
}

/// Columns of the member template (SPEC §4), in template order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MemberColumn {
    Name,
    IdCard,
    Phone,
    Union,
    Employer,
    Job,
    JoinedOn,
    SkillLevel,
    Migrant,
    NewForm,
    ModelWorker,
}

impl MemberColumn {
    pub const ALL: [MemberColumn; 11] = [
        MemberColumn::Name,
        MemberColumn::IdCard,
        MemberColumn::Phone,
        MemberColumn::Union,
        MemberColumn::Employer,
        MemberColumn::Job,
        MemberColumn::JoinedOn,
        MemberColumn::SkillLevel,
        MemberColumn::Migrant,
        MemberColumn::NewForm,
        MemberColumn::ModelWorker,
    ];

    /// The header the template uses.
    pub fn header(self) -> &'static str {
        self.aliases()[0]
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            MemberColumn::Name => &["姓名", "会员姓名", "职工姓名", "名字"],
            MemberColumn::IdCard => &["身份证号", "身份证号码", "公民身份号码", "身份证", "证件号码"],
            MemberColumn::Phone => &["手机号", "手机号码", "手机", "联系电话", "电话"],
            MemberColumn::Union => &["所属工会", "工会", "工会名称", "工会代码"],
            MemberColumn::Employer => &["工作单位", "单位", "单位名称"],
            MemberColumn::Job => &["岗位", "职务", "工种", "岗位/工种"],
            MemberColumn::JoinedOn => &["入会日期", "入会时间"],
            MemberColumn::SkillLevel => &["技能等级", "职业技能等级"],
            MemberColumn::Migrant => &["是否农民工", "农民工"],
            MemberColumn::NewForm => &["新就业形态", "新就业形态劳动者", "新就业形态类型"],
            MemberColumn::ModelWorker => &["劳模级别", "劳模", "劳模等级"],
        }
    }

    /// Recognises a header however it was typed: spaces, full-width, a required mark (*),
    /// a note in brackets ("身份证号（必填）").
    pub fn from_header(s: &str) -> Option<MemberColumn> {
        let h = clean_header(s);
        MemberColumn::ALL.into_iter().find(|c| c.aliases().contains(&h.as_str()))
    }

    /// The form field a validation error names, back to the column it came from.
    fn of_field(field: &str) -> Option<MemberColumn> {
        Some(match field {
            "name" => MemberColumn::Name,
            "id_card_no" => MemberColumn::IdCard,
            "phone" => MemberColumn::Phone,
            "employer" => MemberColumn::Employer,
            "job" => MemberColumn::Job,
            "joined_on" => MemberColumn::JoinedOn,
            "skill_level" => MemberColumn::SkillLevel,
            "new_form" => MemberColumn::NewForm,
            "model_worker" => MemberColumn::ModelWorker,
            _ => return None,
        })
    }
}

/// Where each known column sits in the rows.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderMap {
    columns: Vec<(MemberColumn, usize)>,
}

impl HeaderMap {
    pub fn index(&self, c: MemberColumn) -> Option<usize> {
        self.columns.iter().find(|x| x.0 == c).map(|x| x.1)
    }
}

/// How many rows from the top may hold titles and notes before the header.
pub const HEADER_SEARCH_ROWS: usize = 30;

/// The header row: the first of the top rows that names at least 姓名 and 身份证号 (and any
/// other known columns; unknown columns are ignored).
pub fn find_header(cells: &[Cell]) -> Option<HeaderMap> {
    let mut columns: Vec<(MemberColumn, usize)> = Vec::new();
    for (i, cell) in cells.iter().enumerate() {
        if let Cell::Text(t) = cell
            && let Some(c) = MemberColumn::from_header(t)
            && !columns.iter().any(|x| x.0 == c)
        {
            columns.push((c, i));
        }
    }
    let has = |c| columns.iter().any(|x| x.0 == c);
    (has(MemberColumn::Name) && has(MemberColumn::IdCard)).then_some(HeaderMap { columns })
}

/// Full-width letters, digits and punctuation to ASCII; ideographic and no-break spaces to
/// spaces; trimmed.
pub fn normalize(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' | '\u{00A0}' => ' ',
            _ => c,
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// One problem with one row, for the import report.
#[derive(Debug, Clone, PartialEq)]
pub struct RowError {
    /// 1-based row number as the spreadsheet shows it.
    pub row: usize,
    /// Header of the column at fault (empty when the row as a whole is at fault).
    pub column: String,
    pub reason: String,
}

/// A roster row turned into a member: the union it names (code or exact name) and the
/// validated member.
#[derive(Debug, Clone)]
pub struct RosterMember {
    pub row: usize,
    pub union_key: String,
    pub draft: MemberDraft,
}

/// Turns one data row into a member, or every reason it cannot be one.
pub fn read_member_row(
    map: &HeaderMap,
    row: usize,
    cells: &[Cell],
    today: time::Date,
) -> Result<RosterMember, Vec<RowError>> {
    let get = |c: MemberColumn| map.index(c).and_then(|i| cells.get(i)).unwrap_or(&Cell::Empty);
    let mut errors = Vec::new();
    let mut err =
        |c: MemberColumn, reason: String| errors.push(RowError { row, column: c.header().to_string(), reason });

    let id_card_no = match get(MemberColumn::IdCard) {
        Cell::Number(_) => {
            err(MemberColumn::IdCard, "身份证号被 Excel 存成了数字，后几位已丢失；请把该列设为“文本”后重新填写".into());
            String::new()
        }
        cell => {
            let t = compact(&text_of(cell));
            if t.contains(['E', 'e']) && t.contains('+') {
                err(
                    MemberColumn::IdCard,
                    "身份证号显示为科学计数法（如 3.20925E+17），后几位已丢失；请把该列设为“文本”后重新填写".into(),
                );
            }
            t
        }
    };
    let phone = match get(MemberColumn::Phone) {
        Cell::Number(n) if n.fract() == 0.0 && *n > 0.0 => Some(format!("{}", *n as u64)),
        cell => Some(text_of(cell)).filter(|s| !s.is_empty()),
    };
    let joined_on = match get(MemberColumn::JoinedOn) {
        Cell::Empty => None,
        Cell::Date(d) => Some(crate::fmt_date(*d)),
        Cell::Number(n) => match excel_serial(*n) {
            Some(d) => Some(crate::fmt_date(d)),
            None => {
                err(MemberColumn::JoinedOn, format!("入会日期“{n}”不是有效日期"));
                None
            }
        },
        Cell::Text(t) => Some(normalize(t)).filter(|s| !s.is_empty()),
    };
    let migrant = match parse_flag(&text_of(get(MemberColumn::Migrant))) {
        Some(b) => b,
        None => {
            err(MemberColumn::Migrant, format!("“{}”应为 是 或 否", text_of(get(MemberColumn::Migrant))));
            false
        }
    };
    let new_form = Some(text_of(get(MemberColumn::NewForm)))
        .filter(|s| !s.is_empty())
        .map(|s| if parse_flag(&s) == Some(false) { "否".to_string() } else { s });
    let union_key = text_of(get(MemberColumn::Union));
    if union_key.is_empty() {
        err(MemberColumn::Union, "所属工会不能为空（填工会代码或工会全称）".into());
    }
    let form = MemberForm {
        name: text_of(get(MemberColumn::Name)),
        id_card_no,
        phone,
        employer: Some(text_of(get(MemberColumn::Employer))),
        job: Some(text_of(get(MemberColumn::Job))),
        skill_level: Some(skill_alias(&text_of(get(MemberColumn::SkillLevel)))),
        migrant,
        new_form,
        model_worker: Some(model_worker_alias(&text_of(get(MemberColumn::ModelWorker)))),
        joined_on,
    };
    let already_bad_id = errors.iter().any(|e| e.column == MemberColumn::IdCard.header());
    match form.validate(today) {
        Ok(draft) if errors.is_empty() => Ok(RosterMember { row, union_key, draft }),
        Ok(_) => Err(errors),
        Err(list) => {
            for Invalid { field, zh, .. } in list {
                let column = MemberColumn::of_field(field).map(MemberColumn::header).unwrap_or_default();
                if !(already_bad_id && column == MemberColumn::IdCard.header()) {
                    errors.push(RowError { row, column: column.to_string(), reason: zh });
                }
            }
            Err(errors)
        }
    }
}

fn text_of(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(t) => normalize(t),
        Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
        Cell::Number(n) => n.to_string(),
        Cell::Date(d) => crate::fmt_date(*d),
    }
}

/// Numbers typed with spaces or dashes inside ("320925 1990…").
fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && *c != '-').collect()
}

/// Excel's day count (1900 system; 60 is the fictitious 1900-02-29).
pub fn excel_serial(n: f64) -> Option<time::Date> {
    if !(1.0..2_958_466.0).contains(&n) {
        return None;
    }
    let base = time::macros::date!(1899 - 12 - 30);
    base.checked_add(time::Duration::days(n.trunc() as i64))
}

fn skill_alias(s: &str) -> String {
    match s {
        "初级" | "五级" => "初级工".into(),
        "中级" | "四级" => "中级工".into(),
        "高级" | "三级" => "高级工".into(),
        "二级" => "技师".into(),
        "一级" => "高级技师".into(),
        _ => s.into(),
    }
}

fn model_worker_alias(s: &str) -> String {
    match s.trim_end_matches("劳模").trim_end_matches("级") {
        "全国" | "国家" => "全国".into(),
        "省" => "省级".into(),
        "市" => "市级".into(),
        "县" => "县级".into(),
        "否" | "" => "无".into(),
        _ => s.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    fn id(body17: &str) -> String {
        format!("{body17}{}", crate::idcard::check_char(body17.as_bytes()) as char)
    }

    #[test]
    fn headers_in_any_order_and_form() {
        let row = [t("序号"), t(" 身份证号码（必填）"), t("＊姓名"), t("所属工会"), t("备注")];
        let map = find_header(&row).unwrap();
        assert_eq!(map.index(MemberColumn::Name), Some(2));
        assert_eq!(map.index(MemberColumn::IdCard), Some(1));
        assert_eq!(map.index(MemberColumn::Phone), None);
        assert!(find_header(&[t("建湖县某公司会员花名册")]).is_none());
    }

    #[test]
    fn messy_values_become_a_member() {
        let today = time::macros::date!(2026 - 11 - 25);
        let map = find_header(&[
            t("姓名"),
            t("身份证号"),
            t("手机号"),
            t("所属工会"),
            t("入会日期"),
            t("是否农民工"),
            t("技能等级"),
            t("劳模级别"),
        ])
        .unwrap();
        let full_width: String =
            id("32092519900101123").chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap()).collect();
        let row = [
            t(" 王 芳 "),
            t(&full_width),
            t("+86 139-1234-5678"),
            t("A-001"),
            Cell::Number(44_927.0),
            t("Y"),
            t("高级"),
            t("县劳模"),
        ];
        let m = read_member_row(&map, 5, &row, today).unwrap();
        assert_eq!(m.draft.id_card.as_str(), id("32092519900101123"));
        assert_eq!(m.draft.phone.unwrap().as_str(), "13912345678");
        assert_eq!(m.draft.joined_on.unwrap(), time::macros::date!(2023 - 01 - 01));
        assert!(m.draft.migrant);
        assert_eq!(m.draft.skill_level, crate::SkillLevel::Senior);
        assert_eq!(m.draft.model_worker, crate::ModelWorkerLevel::County);
        assert_eq!(m.union_key, "A-001");
        assert_eq!(m.draft.name, "王 芳");
    }

    #[test]
    fn id_stored_as_number_is_refused_not_guessed() {
        let today = time::macros::date!(2026 - 11 - 25);
        let map = find_header(&[t("姓名"), t("身份证号"), t("所属工会")]).unwrap();
        let e =
            read_member_row(&map, 7, &[t("张三"), Cell::Number(3.209_251_990_010_112e17), t("A")], today).unwrap_err();
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!((e[0].row, e[0].column.as_str()), (7, "身份证号"));
        assert!(e[0].reason.contains("存成了数字"));
        let e = read_member_row(&map, 8, &[t("张三"), t("3.20925E+17"), t("A")], today).unwrap_err();
        assert!(e[0].reason.contains("科学计数法"));
    }

    #[test]
    fn every_problem_of_a_row_is_reported_against_its_column() {
        let today = time::macros::date!(2026 - 11 - 25);
        let map = find_header(&[t("姓名"), t("身份证号"), t("手机号"), t("所属工会"), t("是否农民工")]).unwrap();
        let e = read_member_row(&map, 9, &[t(""), t("123"), t("555"), t(""), t("也许")], today).unwrap_err();
        let cols: Vec<&str> = e.iter().map(|x| x.column.as_str()).collect();
        assert_eq!(cols, ["是否农民工", "所属工会", "姓名", "身份证号", "手机号"]);
        assert!(e.iter().all(|x| x.row == 9));
    }

    #[test]
    fn excel_serials() {
        assert_eq!(excel_serial(1.0), Some(time::macros::date!(1899 - 12 - 31)));
        assert_eq!(excel_serial(45_658.0), Some(time::macros::date!(2025 - 01 - 01)));
        assert_eq!(excel_serial(-3.0), None);
    }
}

#[cfg(test)]
mod never_panics {
    use super::*;
    use proptest::prelude::*;

    fn cell() -> impl Strategy<Value = Cell> {
        prop_oneof![
            Just(Cell::Empty),
            "\\PC{0,30}".prop_map(Cell::Text),
            any::<f64>().prop_map(Cell::Number),
            (-100_000i64..3_000_000).prop_map(|d| Cell::Date(
                time::macros::date!(1900 - 01 - 01) + time::Duration::days(d.rem_euclid(80_000))
            )),
        ]
    }

    proptest! {
        /// Whatever a spreadsheet holds, reading a row answers with a member or reasons.
        #[test]
        fn any_row(cells in proptest::collection::vec(cell(), 0..14), header in proptest::collection::vec("\\PC{0,8}", 0..14)) {
            let today = time::macros::date!(2026 - 11 - 25);
            let header: Vec<Cell> = header.into_iter().map(Cell::Text).collect();
            let _ = find_header(&header);
            let map = find_header(&[Cell::Text("姓名".into()), Cell::Text("身份证号".into()), Cell::Text("手机号".into()), Cell::Text("所属工会".into()),
                Cell::Text("入会日期".into()), Cell::Text("是否农民工".into()), Cell::Text("技能等级".into()), Cell::Text("新就业形态".into()), Cell::Text("劳模级别".into())]).unwrap();
            match read_member_row(&map, 2, &cells, today) {
                Ok(m) => prop_assert!(!m.union_key.is_empty()),
                Err(errors) => prop_assert!(!errors.is_empty() && errors.iter().all(|e| e.row == 2 && !e.reason.is_empty())),
            }
        }
    }
}

/// Columns of the union roster template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnionColumn {
    Name,
    Code,
    Parent,
    Enterprise,
    CreditCode,
    Industry,
    Division,
    Headcount,
    FoundedOn,
    Chair,
}

impl UnionColumn {
    pub const ALL: [UnionColumn; 10] = [
        UnionColumn::Name,
        UnionColumn::Code,
        UnionColumn::Parent,
        UnionColumn::Enterprise,
        UnionColumn::CreditCode,
        UnionColumn::Industry,
        UnionColumn::Division,
        UnionColumn::Headcount,
        UnionColumn::FoundedOn,
        UnionColumn::Chair,
    ];

    pub fn header(self) -> &'static str {
        self.aliases()[0]
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            UnionColumn::Name => &["工会名称", "工会全称"],
            UnionColumn::Code => &["工会代码", "工会编码"],
            UnionColumn::Parent => &["上级工会", "上级工会代码", "上级工会名称"],
            UnionColumn::Enterprise => &["单位名称", "企业名称", "所在单位"],
            UnionColumn::CreditCode => &["统一社会信用代码", "信用代码"],
            UnionColumn::Industry => &["行业", "所属行业", "行业门类"],
            UnionColumn::Division => &["所在镇街/行政区划代码", "行政区划代码", "所在镇街", "镇街"],
            UnionColumn::Headcount => &["职工人数", "职工数"],
            UnionColumn::FoundedOn => &["建会日期", "建会时间", "成立日期"],
            UnionColumn::Chair => &["工会主席", "主席"],
        }
    }

    fn from_header(s: &str) -> Option<UnionColumn> {
        let h = clean_header(s);
        UnionColumn::ALL.into_iter().find(|c| c.aliases().contains(&h.as_str()))
    }
}

fn clean_header(s: &str) -> String {
    let mut h = normalize(s).replace([' ', '*'], "");
    if let Some(i) = h.find(['(', '（']) {
        h.truncate(i);
    }
    h
}

/// Where each union column sits; found like the member header (工会名称 and 工会代码 needed).
pub fn find_union_header(cells: &[Cell]) -> Option<Vec<(UnionColumn, usize)>> {
    let mut columns: Vec<(UnionColumn, usize)> = Vec::new();
    for (i, cell) in cells.iter().enumerate() {
        if let Cell::Text(t) = cell
            && let Some(c) = UnionColumn::from_header(t)
            && !columns.iter().any(|x| x.0 == c)
        {
            columns.push((c, i));
        }
    }
    let has = |c| columns.iter().any(|x| x.0 == c);
    (has(UnionColumn::Name) && has(UnionColumn::Code)).then_some(columns)
}

/// A union roster row, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionRow {
    pub row: usize,
    pub code: String,
    pub name: String,
    pub parent_key: String,
    pub enterprise: Option<String>,
    pub credit_code: Option<crate::CreditCode>,
    pub industry: Option<crate::Industry>,
    pub division: Option<crate::DivisionCode>,
    pub headcount: i64,
    pub founded_on: Option<time::Date>,
    pub chair: Option<String>,
}

pub fn read_union_row(columns: &[(UnionColumn, usize)], row: usize, cells: &[Cell]) -> Result<UnionRow, Vec<RowError>> {
    let get = |c: UnionColumn| columns.iter().find(|x| x.0 == c).and_then(|x| cells.get(x.1)).unwrap_or(&Cell::Empty);
    let text = |c: UnionColumn| Some(text_of(get(c))).filter(|s| !s.is_empty());
    let mut errors = Vec::new();
    let mut err = |c: UnionColumn, reason: String| errors.push(RowError { row, column: c.header().into(), reason });
    let name = text(UnionColumn::Name).unwrap_or_default();
    if name.is_empty() || name.chars().count() > 100 {
        err(UnionColumn::Name, "工会名称为 1–100 个字符".into());
    }
    let code = text(UnionColumn::Code).unwrap_or_default();
    if code.is_empty()
        || code.chars().count() > 32
        || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        err(UnionColumn::Code, "工会代码为 1–32 位字母、数字、- 或 _".into());
    }
    let parent_key = text(UnionColumn::Parent).unwrap_or_default();
    if parent_key.is_empty() {
        err(UnionColumn::Parent, "上级工会不能为空（填工会代码或全称）".into());
    }
    let credit_code = text(UnionColumn::CreditCode)
        .map(|c| crate::CreditCode::parse(&c))
        .transpose()
        .map_err(|e| err(UnionColumn::CreditCode, e.zh))
        .ok()
        .flatten();
    let industry = text(UnionColumn::Industry)
        .map(|i| {
            let letter =
                i.chars().next().filter(|c| c.is_ascii_alphabetic()).map(|c| c.to_ascii_uppercase().to_string());
            crate::Industry::parse(letter.as_deref().unwrap_or(&i))
        })
        .transpose()
        .map_err(|_| err(UnionColumn::Industry, "行业应为国民经济行业分类门类（A–T）或其名称，如“C”或“制造业”".into()))
        .ok()
        .flatten();
    let division = text(UnionColumn::Division)
        .map(|d| crate::DivisionCode::parse(&d))
        .transpose()
        .map_err(|_| err(UnionColumn::Division, "请填写行政区划代码，如建阳镇为 320925101".into()))
        .ok()
        .flatten();
    let headcount = match get(UnionColumn::Headcount) {
        Cell::Empty => 0,
        Cell::Number(n) if n.fract() == 0.0 && (0.0..=1e6).contains(n) => *n as i64,
        cell => match compact(&text_of(cell)).parse::<i64>() {
            Ok(n) if (0..=1_000_000).contains(&n) => n,
            _ => {
                err(UnionColumn::Headcount, "职工人数应为 0–1000000 的整数".into());
                0
            }
        },
    };
    let founded_on = match get(UnionColumn::FoundedOn) {
        Cell::Empty => None,
        Cell::Date(d) => Some(*d),
        Cell::Number(n) => excel_serial(*n),
        Cell::Text(t) => match crate::parse_date(&normalize(t)) {
            Some(d) => Some(d),
            None => {
                err(UnionColumn::FoundedOn, format!("建会日期“{t}”格式应为 2020-01-01"));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(UnionRow {
        row,
        code,
        name,
        parent_key,
        enterprise: text(UnionColumn::Enterprise),
        credit_code,
        industry,
        division,
        headcount,
        founded_on,
        chair: text(UnionColumn::Chair),
    })
}

#[cfg(test)]
mod union_rows {
    use super::*;

    #[test]
    fn union_rows_read_and_refuse() {
        let t = |s: &str| Cell::Text(s.into());
        let cols = find_union_header(&[
            t("工会名称"),
            t("工会代码"),
            t("上级工会"),
            t("统一社会信用代码"),
            t("行业"),
            t("职工人数"),
            t("建会日期"),
        ])
        .unwrap();
        let ok = read_union_row(
            &cols,
            3,
            &[
                t("某公司工会"),
                t("A-9"),
                t("320925101"),
                t("91350100M000100Y43"),
                t("制造业"),
                Cell::Number(120.0),
                t("2020/1/2"),
            ],
        );
        let ok = ok.unwrap();
        assert_eq!((ok.headcount, ok.industry), (120, Some(crate::Industry::C)));
        assert_eq!(ok.founded_on, Some(time::macros::date!(2020 - 01 - 02)));
        let bad = read_union_row(
            &cols,
            4,
            &[t(""), t("A 9"), t(""), t("91350100M000100Y44"), t("火星业"), t("很多"), t("昨天")],
        )
        .unwrap_err();
        let cols: Vec<&str> = bad.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(cols, ["工会名称", "工会代码", "上级工会", "统一社会信用代码", "行业", "职工人数", "建会日期"]);
    }
}
