//! A member's attributes and life cycle in the union (会员实名制).

use crate::Invalid;

crate::labelled!(Sex { Male = "male", "男"; Female = "female", "女"; });

crate::labelled!(
    /// 技能等级 (national vocational qualification levels).
    SkillLevel {
        None = "none", "无";
        Junior = "junior", "初级工";
        Intermediate = "intermediate", "中级工";
        Senior = "senior", "高级工";
        Technician = "technician", "技师";
        SeniorTechnician = "senior_technician", "高级技师";
    }
);

crate::labelled!(
    /// 劳模级别.
    ModelWorkerLevel {
        None = "none", "无";
        County = "county", "县级";
        Municipal = "municipal", "市级";
        Provincial = "provincial", "省级";
        National = "national", "全国";
    }
);

crate::labelled!(
    /// 新就业形态劳动者.
    NewEmploymentForm {
        None = "none", "否";
        Rider = "rider", "网约配送员";
        Courier = "courier", "快递员";
        TruckDriver = "truck_driver", "货车司机";
        RideHailing = "ride_hailing", "网约车司机";
        Domestic = "domestic", "家政服务员";
    }
);

crate::labelled!(
    /// 会籍状态.
    MemberStatus {
        Active = "active", "在会";
        Retained = "retained", "保留会籍";
        TransferredOut = "transferred_out", "转出";
        Left = "left", "退会";
        Deceased = "deceased", "去世";
    }
);

crate::labelled!(
    /// What happened to a membership; each is one line of the member's history.
    MemberEvent {
        Joined = "joined", "入会";
        TransferredIn = "transferred_in", "转入";
        TransferredOut = "transferred_out", "转出";
        Retained = "retained", "保留";
        Left = "left", "退会";
        Died = "died", "去世";
        Rejoined = "rejoined", "恢复会籍";
    }
);

impl MemberStatus {
    /// The status an event leads to from this one, or why it cannot happen.
    /// 转会 within the federation is not a status change: the member stays 在会 in the new union.
    pub fn apply(self, event: MemberEvent) -> Result<MemberStatus, Invalid> {
        use MemberEvent as E;
        use MemberStatus as S;
        let next = match (self, event) {
            (S::Active, E::Retained) => S::Retained,
            (S::Active | S::Retained, E::Left) => S::Left,
            (S::Active | S::Retained, E::TransferredOut) => S::TransferredOut,
            (S::Active | S::Retained | S::Left | S::TransferredOut, E::Died) => S::Deceased,
            (S::Retained | S::Left, E::Rejoined) => S::Active,
            (S::TransferredOut, E::TransferredIn) => S::Active,
            _ => {
                return Err(Invalid::new(
                    "status",
                    format!("会籍状态为“{}”的会员不能办理“{}”", self.label(), event.label()),
                    format!("a member who is {} cannot be {}", self.code(), event.code()),
                ));
            }
        };
        Ok(next)
    }
}

/// Yes/no as people write it in spreadsheets and forms: 是/否, Y/N, 1/0, true/false.
pub fn parse_flag(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "是" | "y" | "yes" | "1" | "true" | "√" | "on" => Some(true),
        "否" | "n" | "no" | "0" | "false" | "" | "×" | "off" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip() {
        for s in SkillLevel::ALL {
            assert_eq!(SkillLevel::parse(s.label()).unwrap(), *s);
            assert_eq!(SkillLevel::parse(s.code()).unwrap(), *s);
        }
        let e = SkillLevel::parse("大师").unwrap_err();
        assert!(e.zh.contains("初级工"), "{}", e.zh);
    }

    #[test]
    fn transitions() {
        use MemberEvent as E;
        use MemberStatus as S;
        assert_eq!(S::Active.apply(E::Retained).unwrap(), S::Retained);
        assert_eq!(S::Retained.apply(E::Rejoined).unwrap(), S::Active);
        assert_eq!(S::Left.apply(E::Rejoined).unwrap(), S::Active);
        assert_eq!(S::Active.apply(E::Died).unwrap(), S::Deceased);
        assert!(S::Deceased.apply(E::Rejoined).is_err());
        assert!(S::Active.apply(E::Joined).is_err());
        assert!(S::Active.apply(E::Rejoined).is_err());
        let e = S::Deceased.apply(E::Left).unwrap_err();
        assert!(e.zh.contains("去世"));
    }

    #[test]
    fn flags() {
        assert_eq!(parse_flag("是"), Some(true));
        assert_eq!(parse_flag("N"), Some(false));
        assert_eq!(parse_flag("maybe"), None);
    }
}

/// A member as typed into a form, an API body or a roster row: text, not yet trusted.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MemberForm {
    #[schema(required = true, min_length = 1)]
    pub name: String,
    /// 18 characters, or a legacy 15-digit number.
    #[schema(required = true, pattern = r"^([0-9]{17}[0-9Xx]|[0-9]{15})$")]
    pub id_card_no: String,
    pub phone: Option<String>,
    pub employer: Option<String>,
    pub job: Option<String>,
    /// Code or Chinese label, e.g. `senior` or 高级工.
    #[schema(value_type = Option<crate::SkillLevel>)]
    pub skill_level: Option<String>,
    pub migrant: bool,
    #[schema(value_type = Option<crate::NewEmploymentForm>)]
    pub new_form: Option<String>,
    #[schema(value_type = Option<crate::ModelWorkerLevel>)]
    pub model_worker: Option<String>,
    /// YYYY-MM-DD (other common forms accepted).
    #[schema(value_type = Option<crate::schema::IsoDateOrEmpty>)]
    pub joined_on: Option<String>,
}

/// A member whose every field has been checked.
#[derive(Debug, Clone)]
pub struct MemberDraft {
    pub name: String,
    pub id_card: crate::IdCardNo,
    pub phone: Option<crate::PhoneNo>,
    pub employer: Option<String>,
    pub job: Option<String>,
    pub skill_level: SkillLevel,
    pub migrant: bool,
    pub new_form: NewEmploymentForm,
    pub model_worker: ModelWorkerLevel,
    pub joined_on: Option<time::Date>,
}

impl MemberForm {
    /// Checks every field and reports all problems at once, each against its field.
    pub fn validate(&self, today: time::Date) -> Result<MemberDraft, Vec<Invalid>> {
        let mut errors = Vec::new();

        let name = keep(&mut errors, text("name", "姓名", &self.name, 1, 50));
        let id_card = keep(&mut errors, crate::IdCardNo::parse(&self.id_card_no));
        let phone = keep(&mut errors, optional(&self.phone).map(crate::PhoneNo::parse).transpose());
        let employer =
            keep(&mut errors, optional(&self.employer).map(|s| text("employer", "工作单位", s, 1, 100)).transpose());
        let job = keep(&mut errors, optional(&self.job).map(|s| text("job", "岗位", s, 1, 50)).transpose());
        let skill_level = keep(
            &mut errors,
            optional(&self.skill_level)
                .map_or(Ok(SkillLevel::None), SkillLevel::parse)
                .map_err(|e| field(e, "skill_level")),
        );
        let new_form = keep(
            &mut errors,
            optional(&self.new_form)
                .map_or(Ok(NewEmploymentForm::None), NewEmploymentForm::parse)
                .map_err(|e| field(e, "new_form")),
        );
        let model_worker = keep(
            &mut errors,
            optional(&self.model_worker)
                .map_or(Ok(ModelWorkerLevel::None), ModelWorkerLevel::parse)
                .map_err(|e| field(e, "model_worker")),
        );
        let joined_on = keep(&mut errors, optional(&self.joined_on).map(|s| joined(s, today)).transpose());

        if let Some(id) = &id_card {
            let age = today.year() - id.birth_date().year();
            if !(14..=120).contains(&age) {
                errors.push(Invalid::new(
                    "id_card_no",
                    "按身份证号推算的年龄不在 14–120 岁之间",
                    "age from ID number is outside 14-120",
                ));
            }
        }
        match (name, id_card, phone, employer, job, skill_level, new_form, model_worker, joined_on) {
            (
                Some(name),
                Some(id_card),
                Some(phone),
                Some(employer),
                Some(job),
                Some(skill_level),
                Some(new_form),
                Some(model_worker),
                Some(joined_on),
            ) if errors.is_empty() => Ok(MemberDraft {
                name,
                id_card,
                phone,
                employer,
                job,
                skill_level,
                migrant: self.migrant,
                new_form,
                model_worker,
                joined_on,
            }),
            _ => Err(errors),
        }
    }
}

fn keep<T>(errors: &mut Vec<Invalid>, r: Result<T, Invalid>) -> Option<T> {
    r.map_err(|e| errors.push(e)).ok()
}

fn optional(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn field(mut e: Invalid, name: &'static str) -> Invalid {
    e.field = name;
    e
}

fn text(field: &'static str, zh: &str, s: &str, min: usize, max: usize) -> Result<String, Invalid> {
    let s = s.trim();
    let n = s.chars().count();
    if n < min {
        return Err(Invalid::new(field, format!("{zh}不能为空"), format!("{field} is required")));
    }
    if n > max || s.chars().any(crate::is_hidden_char) {
        return Err(Invalid::new(
            field,
            format!("{zh}最多 {max} 个字符，且不能含控制字符"),
            format!("at most {max} characters, no control characters"),
        ));
    }
    Ok(s.to_string())
}

fn joined(s: &str, today: time::Date) -> Result<time::Date, Invalid> {
    let d = crate::parse_date(s).ok_or_else(|| {
        Invalid::new("joined_on", "入会日期格式应为 2023-05-01", "joined_on must be a date like 2023-05-01")
    })?;
    if d > today || d.year() < 1925 {
        return Err(Invalid::new(
            "joined_on",
            "入会日期不能晚于今天或早于 1925 年",
            "joined_on must not be in the future or before 1925",
        ));
    }
    Ok(d)
}

#[cfg(test)]
mod form_tests {
    use super::*;

    #[test]
    fn reports_every_bad_field() {
        let today = time::macros::date!(2026 - 11 - 25);
        let form = MemberForm {
            name: " ".into(),
            id_card_no: "110105194912310021".into(),
            phone: Some("123".into()),
            skill_level: Some("大师".into()),
            joined_on: Some("2030-01-01".into()),
            ..Default::default()
        };
        let errs = form.validate(today).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "id_card_no", "phone", "skill_level", "joined_on"]);

        let ok = MemberForm {
            name: "王芳".into(),
            id_card_no: "11010519491231002x".into(),
            phone: Some("+86 139 1234 5678".into()),
            skill_level: Some("高级工".into()),
            joined_on: Some("2020年5月1日".into()),
            ..Default::default()
        };
        let d = ok.validate(today).unwrap();
        assert_eq!(d.id_card.as_str(), "11010519491231002X");
        assert_eq!(d.skill_level, SkillLevel::Senior);
        assert_eq!(d.phone.unwrap().as_str(), "13912345678");
    }
}
