//! The closed loop every mechanism shares: a work item comes in, someone owns it, it is due in
//! so many working days, it is done (or escalated when it is not), the person it was for rates
//! it. This module holds the rules: the kinds each mechanism registers with their default
//! service levels, the statuses and which action moves an item from which status, and who may
//! take which action. The store applies them; it never decides them.

use crate::Invalid;

crate::labelled!(
    /// 办理状态.
    WorkStatus {
        New = "new", "待受理";
        InProgress = "in_progress", "办理中";
        Paused = "paused", "暂停（待补充）";
        Review = "review", "待审核";
        Closed = "closed", "已办结";
    }
);

crate::labelled!(
    /// The level that acts for a member: their own union, the town (or industry) union above
    /// it, or the county federation.
    Level {
        Own = "own", "所在基层工会";
        Town = "town", "镇（街道）工会";
        County = "county", "县总工会";
    }
);

crate::labelled!(
    /// 紧急程度.
    Priority {
        Normal = "normal", "一般";
        Urgent = "urgent", "紧急";
    }
);

crate::labelled!(
    /// What can happen to an item; each is one line of its timeline.
    WorkAction {
        Create = "create", "登记";
        Accept = "accept", "受理";
        Forward = "forward", "转办";
        Pause = "pause", "暂停";
        Resume = "resume", "恢复办理";
        Resolve = "resolve", "办结";
        Approve = "approve", "审核通过";
        Return = "return", "退回重办";
        Reopen = "reopen", "重新办理";
        Rate = "rate", "评价";
        Comment = "comment", "留言";
        Attach = "attach", "上传附件";
        Remind = "remind", "到期提醒";
        Escalate = "escalate", "逾期升级";
    }
);

impl WorkStatus {
    pub fn is_open(self) -> bool {
        self != WorkStatus::Closed
    }

    /// Does the deadline clock run in this status?
    pub fn clock_runs(self) -> bool {
        matches!(self, WorkStatus::New | WorkStatus::InProgress)
    }
}

crate::labelled!(
    /// The six reform mechanisms (and the registry under them).
    Mechanism {
        Research = "research", "五调";
        Assist = "assist", "五助";
        Direct = "direct", "五直";
        Care = "care", "五必";
        Rights = "rights", "五率";
        Building = "building", "五型";
    }
);

/// A kind of work item, registered by the mechanism that raises it, with its default service
/// level. An administrator may override the working days per kind and priority (`sla_policies`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct WorkKind {
    pub code: &'static str,
    pub label: &'static str,
    pub mechanism: Mechanism,
    /// Working days to the first response (受理).
    pub respond_days: u32,
    /// Working days to closure at normal priority.
    pub close_days: u32,
    /// Working days to closure when urgent.
    pub urgent_close_days: u32,
    /// Closed only after a review by the level above (质检后结案).
    pub review: bool,
    /// The county department that owns it when it reaches the county (by name).
    pub department: Option<&'static str>,
    /// May staff register it by hand (登记事项)? Kinds raised only by their records may not.
    pub by_hand: bool,
    /// What a member calls it, for the kinds a member may raise themself (问一问).
    pub member_label: Option<&'static str>,
}

const fn kind_of(
    code: &'static str,
    label: &'static str,
    mechanism: Mechanism,
    (respond_days, close_days, urgent_close_days): (u32, u32, u32),
    review: bool,
    department: &'static str,
    by_hand: bool,
) -> WorkKind {
    WorkKind {
        code,
        label,
        mechanism,
        respond_days,
        close_days,
        urgent_close_days,
        review,
        department: Some(department),
        by_hand,
        member_label: None,
    }
}

/// 问题需求直达部门.
pub const NEED: WorkKind = WorkKind {
    member_label: Some("反映问题或困难"),
    ..kind_of("need", "问题需求", Mechanism::Direct, (1, 5, 2), false, "权益保障部", true)
};
/// 政策解答直达主体: a question's answer, owned by its category's department (or expert).
pub const POLICY_QUESTION: WorkKind =
    kind_of("policy_question", "政策解答", Mechanism::Direct, (1, 3, 1), false, "办公室", false);
/// 宣传贯彻直抵基层: a grassroots union's receipt of a bulletin, due by its deadline.
pub const BULLETIN_RECEIPT: WorkKind =
    kind_of("bulletin_receipt", "通知签收", Mechanism::Direct, (1, 5, 2), false, "办公室", false);
/// 问题需求直达部门: a problem filed straight to the county department of its type, due by its
/// complexity, answered to review (回访, then 质检) before it closes.
pub const DIRECT_PROBLEM: WorkKind =
    kind_of("direct_problem", "问题直达部门", Mechanism::Direct, (1, 5, 2), true, "办公室", false);
/// 寻策问计直到一线: one answer to a consultation, owned by the union (or the person) asked.
pub const CONSULTATION_ANSWER: WorkKind =
    kind_of("consultation_answer", "寻策问计答复", Mechanism::Direct, (2, 10, 5), false, "办公室", false);
/// A suggestion a member or a cadre makes of their own accord (提意见建议).
pub const CONSULTATION: WorkKind = WorkKind {
    member_label: Some("提意见建议"),
    ..kind_of("consultation", "寻策问计", Mechanism::Direct, (2, 10, 5), false, "办公室", true)
};
pub const RESEARCH_FINDING: WorkKind =
    kind_of("research_finding", "调研问题转化", Mechanism::Research, (3, 20, 10), true, "办公室", true);
pub const ASSIST_TASK: WorkKind =
    kind_of("assist_task", "助推发展任务", Mechanism::Assist, (3, 20, 10), false, "经济技术部", true);
/// A care obligation or a standing visit (有喜必贺、有因必访、有难必帮).
pub const CARE: WorkKind =
    kind_of("care", "关爱服务", Mechanism::Care, (1, 5, 2), false, "职工服务中心（帮扶中心）", true);
/// A step of a hardship file (grassroots review, home visit, town review, county approval).
pub const HARDSHIP_STEP: WorkKind =
    kind_of("hardship_step", "困难职工建档审核", Mechanism::Care, (1, 10, 5), false, "职工服务中心（帮扶中心）", false);
/// A union's deliveries of a seasonal campaign (四季送), due at the campaign's end.
pub const CAMPAIGN_DELIVERY: WorkKind =
    kind_of("campaign_delivery", "四季送发放", Mechanism::Care, (3, 20, 10), false, "职工服务中心（帮扶中心）", false);
/// A step of a legal-aid application (decision, assignment, handling, objection); each step's
/// deadline comes from its statutory limit, not from these defaults.
pub const LEGAL_AID: WorkKind =
    kind_of("legal_aid", "法律援助", Mechanism::Rights, (1, 5, 2), false, "权益保障部", false);
/// A step of a labour dispute's mediation (acceptance, mediation, following the agreement).
pub const DISPUTE_STEP: WorkKind =
    kind_of("dispute_step", "劳动争议调解", Mechanism::Rights, (1, 15, 5), false, "权益保障部", false);
/// A step of a labour-law supervision case (acceptance, investigation, the employer's answer,
/// verifying rectification, the labour department's filing).
pub const SUPERVISION_STEP: WorkKind =
    kind_of("supervision_step", "劳动法律监督", Mechanism::Rights, (1, 15, 5), false, "权益保障部", false);
/// A step of a collective contract (answering the request, negotiating, submission, review,
/// renewal).
pub const CONTRACT_STEP: WorkKind =
    kind_of("contract_step", "集体合同", Mechanism::Rights, (1, 20, 10), false, "权益保障部", false);
/// A month's legal publicity at its focus unit (一月一单位、一月一重点).
pub const PUBLICITY_MONTH: WorkKind =
    kind_of("publicity_month", "普法重点单位", Mechanism::Rights, (3, 30, 10), false, "权益保障部", false);
pub const RIGHTS_CASE: WorkKind =
    kind_of("rights_case", "维权案件", Mechanism::Rights, (1, 15, 5), true, "权益保障部", true);
pub const BUILDING_TASK: WorkKind =
    kind_of("building_task", "建设任务", Mechanism::Building, (3, 20, 10), false, "组织部（基层工作部）", true);

/// Every kind, as registered: the one list the loop, its pages and its figures read.
pub const KINDS: &[WorkKind] = &[
    NEED,
    DIRECT_PROBLEM,
    POLICY_QUESTION,
    BULLETIN_RECEIPT,
    CONSULTATION_ANSWER,
    CONSULTATION,
    RESEARCH_FINDING,
    ASSIST_TASK,
    CARE,
    HARDSHIP_STEP,
    CAMPAIGN_DELIVERY,
    LEGAL_AID,
    DISPUTE_STEP,
    SUPERVISION_STEP,
    CONTRACT_STEP,
    PUBLICITY_MONTH,
    RIGHTS_CASE,
    BUILDING_TASK,
];

/// A work kind's code as the API documents it: one of `KINDS` (the kinds are constants, not a
/// `labelled!` enum, so the schema is written here from the list).
pub struct KindCode;

impl utoipa::PartialSchema for KindCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::schema::string_enum(KINDS.iter().map(|k| k.code))
    }
}

impl utoipa::ToSchema for KindCode {}

crate::filter_of!(
    /// A kind code, or empty for every kind.
    KindFilter = KindCode
);

pub fn kind(code: &str) -> Result<&'static WorkKind, Invalid> {
    let code = code.trim();
    KINDS.iter().find(|k| k.code == code || k.label == code).ok_or_else(|| {
        let all: Vec<&str> = KINDS.iter().map(|k| k.code).collect();
        Invalid::new(
            "kind",
            format!("无效的事项类型“{code}”，可选：{}", all.join("、")),
            format!("unknown kind {code:?}; one of {}", all.join(", ")),
        )
    })
}

/// Working days allowed, first to respond and then to close.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Sla {
    pub respond_days: u32,
    pub close_days: u32,
}

/// The most working days any target may be (a year and a half).
pub const MAX_SLA_DAYS: u32 = 370;

impl Sla {
    pub fn check(self) -> Result<Sla, Invalid> {
        if self.close_days == 0 || self.close_days > MAX_SLA_DAYS {
            return Err(Invalid::new(
                "close_days",
                format!("办结时限应为 1–{MAX_SLA_DAYS} 个工作日"),
                format!("close_days must be 1–{MAX_SLA_DAYS}"),
            ));
        }
        if self.respond_days == 0 || self.respond_days > self.close_days {
            return Err(Invalid::new(
                "respond_days",
                "受理时限应至少 1 个工作日，且不超过办结时限",
                "respond_days must be at least 1 and at most close_days",
            ));
        }
        Ok(self)
    }
}

impl WorkKind {
    pub fn sla(&self, priority: Priority) -> Sla {
        match priority {
            Priority::Normal => Sla { respond_days: self.respond_days, close_days: self.close_days },
            Priority::Urgent => {
                Sla { respond_days: self.respond_days.min(self.urgent_close_days), close_days: self.urgent_close_days }
            }
        }
    }
}

/// The loop's own figures, kept for every kind (dimensions: `k:<kind>`, `d:<department id>` and
/// both, `k:<kind>|d:<department id>`).
pub mod indicators {
    use crate::Indicator;

    /// Items received, by the month received.
    pub const RECEIVED: Indicator = Indicator { code: "work.received", label: "受理事项", unit: "件" };
    /// Items closed, by the month closed.
    pub const CLOSED: Indicator = Indicator { code: "work.closed", label: "办结事项", unit: "件" };
    pub const ON_TIME: Indicator = Indicator { code: "work.on_time", label: "按期办结", unit: "件" };
    /// Working days from receipt to closure, summed (÷ closed = the average).
    pub const CLOSE_DAYS: Indicator = Indicator { code: "work.close_days", label: "办结用时", unit: "工作日" };
    /// Ratings given, by the month rated.
    pub const RATED: Indicator = Indicator { code: "work.rated", label: "评价", unit: "件" };
    pub const SATISFIED: Indicator = Indicator { code: "work.satisfied", label: "满意评价", unit: "件" };
    pub const ALL: &[Indicator] = &[RECEIVED, CLOSED, ON_TIME, CLOSE_DAYS, RATED, SATISFIED];

    /// The breakdowns every work fact is kept under.
    pub fn dims(kind: &str, department: i64) -> [String; 3] {
        [crate::indicator::dim("k", kind), crate::indicator::dim("d", department), format!("k:{kind}|d:{department}")]
    }
}

/// Working days an escalated item gets at its new owner.
pub const ESCALATION_DAYS: u32 = 2;

/// Ratings at or below this reopen the item to the owner's superior (as 12345 hotlines do).
pub const UNSATISFIED_AT_MOST: i64 = 2;

/// Satisfied (满意 or 基本满意) is a rating of 3 or more out of 5.
pub fn satisfied(rating: i64) -> bool {
    rating > UNSATISFIED_AT_MOST
}

/// A rating in words, as the rating form offers it.
pub fn rating_label(rating: i64) -> &'static str {
    match rating {
        5 => "非常满意",
        4 => "满意",
        3 => "基本满意",
        2 => "不满意",
        1 => "很不满意",
        _ => "",
    }
}

pub fn check_rating(rating: i64) -> Result<i64, Invalid> {
    if (1..=5).contains(&rating) {
        Ok(rating)
    } else {
        Err(Invalid::new("rating", "满意度应为 1–5 分", "rating must be 1–5"))
    }
}

/// How the acting user stands to an item; decides what they may do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Standing {
    /// The item is theirs: they, or their union (and department, when one is named), own it.
    pub owner: bool,
    /// Their scope contains the owner's union from above (a superior), or they are county admin.
    pub above: bool,
    /// It is for them: the member it is about, or (when it is about no member) the user who
    /// raised it.
    pub requester: bool,
    /// They resolved it themselves.
    pub worked: bool,
}

/// The status an action leads to from `from`, or why it cannot be taken.
pub fn next_status(from: WorkStatus, action: WorkAction, review: bool) -> Result<WorkStatus, Invalid> {
    use WorkAction as A;
    use WorkStatus as S;
    let to = match (action, from) {
        (A::Accept, S::New) => S::InProgress,
        (A::Forward, S::New | S::InProgress) => S::New,
        (A::Pause, S::New | S::InProgress) => S::Paused,
        (A::Resume, S::Paused) => S::InProgress,
        (A::Resolve, S::New | S::InProgress) => {
            if review {
                S::Review
            } else {
                S::Closed
            }
        }
        (A::Approve, S::Review) => S::Closed,
        (A::Return, S::Review) => S::InProgress,
        (A::Reopen, S::Closed) => S::New,
        (A::Escalate | A::Remind, S::New | S::InProgress) => from,
        (A::Comment | A::Attach, _) => from,
        (A::Rate, S::Closed) => S::Closed,
        _ => {
            return Err(Invalid::new(
                "action",
                format!("“{}”状态下不能{}", from.label(), action.label()),
                format!("cannot {} an item that is {}", action.code(), from.code()),
            ));
        }
    };
    Ok(to)
}

/// May someone of this standing take this action? (The status is checked by `next_status`.)
pub fn may(standing: Standing, action: WorkAction) -> bool {
    use WorkAction as A;
    match action {
        A::Accept | A::Pause | A::Resume | A::Resolve => standing.owner || standing.above,
        A::Forward => standing.owner || standing.above,
        // Review and reopening belong to the level above: nobody passes their own work.
        A::Approve | A::Return | A::Reopen => standing.above,
        // Only the person it was for rates it, never the one who did the work.
        A::Rate => standing.requester && !standing.owner && !standing.worked,
        A::Comment | A::Attach => standing.owner || standing.above || standing.requester,
        A::Create | A::Remind | A::Escalate => false,
    }
}

/// Why someone it was for may still not rate it: they did the work themselves.
pub fn own_work_refusal(standing: Standing) -> Option<Invalid> {
    (standing.requester && (standing.owner || standing.worked)).then(|| {
        Invalid::new(
            "rating",
            "承办人不能评价自己办理的事项：满意度由提出人评价",
            "whoever handled an item cannot rate it; the requester rates",
        )
    })
}

/// The actions offered on an item's page, in the order shown.
pub fn actions(status: WorkStatus, standing: Standing, review: bool, rated: bool) -> Vec<WorkAction> {
    use WorkAction as A;
    [A::Accept, A::Resolve, A::Pause, A::Resume, A::Forward, A::Approve, A::Return, A::Reopen, A::Rate]
        .into_iter()
        .filter(|a| may(standing, *a) && next_status(status, *a, review).is_ok())
        .filter(|a| *a != A::Rate || !rated)
        .collect()
}

pub const MAX_TITLE_CHARS: usize = 100;
pub const MAX_TEXT_CHARS: usize = 4000;

/// The longest note (说明) a form takes.
pub const MAX_NOTE_CHARS: usize = 1000;

/// An optional note of at most `MAX_NOTE_CHARS`, trimmed; empty is none.
pub fn note_field(note: Option<&str>) -> Result<Option<String>, Invalid> {
    match note.map(str::trim).filter(|s| !s.is_empty()) {
        Some(n) if n.chars().count() > MAX_NOTE_CHARS => Err(Invalid::new(
            "note",
            format!("说明不能超过 {MAX_NOTE_CHARS} 字"),
            format!("note must be at most {MAX_NOTE_CHARS} characters"),
        )),
        n => Ok(n.map(str::to_string)),
    }
}

/// A required text of at most `max` characters, trimmed.
pub fn text_field(field: &'static str, zh: &str, value: &str, max: usize) -> Result<String, Invalid> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Invalid::new(field, format!("请填写{zh}"), format!("{field} is required")));
    }
    // The limit is on what was sent, as the API document states it, spaces and all.
    if value.chars().count() > max {
        return Err(Invalid::new(
            field,
            format!("{zh}不能超过 {max} 个字"),
            format!("{field} must be at most {max} characters"),
        ));
    }
    if v.chars().any(|c| crate::is_hidden_char(c) && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(Invalid::new(
            field,
            format!("{zh}含有看不见的控制字符（如从右到左覆盖），请删去"),
            format!("{field} holds invisible control characters"),
        ));
    }
    Ok(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_have_sane_service_levels() {
        for k in KINDS {
            for p in Priority::ALL {
                k.sla(*p).check().unwrap();
            }
            assert!(k.urgent_close_days <= k.close_days, "{}", k.code);
            assert_eq!(kind(k.code).unwrap().code, k.code);
            assert_eq!(kind(k.label).unwrap().code, k.code);
        }
        assert!(kind("nope").is_err());
    }

    #[test]
    fn the_loop_moves_only_along_its_edges() {
        use WorkAction as A;
        use WorkStatus as S;
        assert_eq!(next_status(S::New, A::Accept, false).unwrap(), S::InProgress);
        assert_eq!(next_status(S::InProgress, A::Resolve, false).unwrap(), S::Closed);
        assert_eq!(next_status(S::InProgress, A::Resolve, true).unwrap(), S::Review);
        assert_eq!(next_status(S::Review, A::Approve, true).unwrap(), S::Closed);
        assert_eq!(next_status(S::Review, A::Return, true).unwrap(), S::InProgress);
        assert_eq!(next_status(S::Paused, A::Resume, false).unwrap(), S::InProgress);
        assert_eq!(next_status(S::Closed, A::Reopen, false).unwrap(), S::New);
        assert!(next_status(S::Closed, A::Accept, false).is_err());
        assert!(next_status(S::Paused, A::Resolve, false).is_err());
        assert!(next_status(S::Review, A::Resolve, true).is_err());
        assert!(next_status(S::InProgress, A::Rate, false).is_err());
        // Every status is reachable and every open one can still be closed.
        for s in WorkStatus::ALL {
            if s.is_open() {
                let mut cur = *s;
                for a in [A::Resume, A::Resolve, A::Approve] {
                    cur = next_status(cur, a, true).unwrap_or(cur);
                }
                assert_eq!(cur, S::Closed, "from {s:?}");
            }
        }
    }

    #[test]
    fn who_may_do_what() {
        let owner = Standing { owner: true, ..Default::default() };
        let above = Standing { above: true, ..Default::default() };
        let requester = Standing { requester: true, ..Default::default() };
        assert!(may(owner, WorkAction::Resolve) && !may(owner, WorkAction::Approve));
        assert!(may(above, WorkAction::Approve) && may(above, WorkAction::Reopen));
        assert!(may(requester, WorkAction::Rate) && !may(requester, WorkAction::Resolve));
        // The owner who raised it for their own union, or whoever resolved it, does not rate it.
        let own = Standing { owner: true, requester: true, ..Default::default() };
        assert!(!may(own, WorkAction::Rate) && own_work_refusal(own).is_some());
        let resolver = Standing { requester: true, worked: true, ..Default::default() };
        assert!(!may(resolver, WorkAction::Rate));
        assert!(own_work_refusal(requester).is_none());
        assert!(!may(Standing::default(), WorkAction::Comment));
        assert_eq!(
            actions(WorkStatus::New, owner, false, false),
            vec![WorkAction::Accept, WorkAction::Resolve, WorkAction::Pause, WorkAction::Forward]
        );
        assert_eq!(actions(WorkStatus::Closed, requester, false, false), vec![WorkAction::Rate]);
        assert!(actions(WorkStatus::Closed, requester, false, true).is_empty());
    }

    #[test]
    fn ratings_and_sla_limits() {
        assert!(check_rating(0).is_err() && check_rating(6).is_err());
        assert!(!satisfied(2) && satisfied(3));
        assert!(Sla { respond_days: 2, close_days: 1 }.check().is_err());
        assert!(Sla { respond_days: 1, close_days: 371 }.check().is_err());
        assert!(text_field("title", "标题", "  ", 10).is_err());
        assert_eq!(text_field("title", "标题", " 修路 ", 10).unwrap(), "修路");
        assert!(text_field("title", "标题", &"字".repeat(11), 10).is_err());
        assert!(text_field("title", "标题", "invoice\u{202E}fdp.exe", 50).is_err(), "right-to-left override");
        assert!(text_field("body", "内容", "第一行\n第二行", 50).is_ok());
    }
}
