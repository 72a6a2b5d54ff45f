//! The audit log's words: every action it records and every kind of record it names, each with
//! the Chinese a county administrator reads. A mechanism that writes to the log adds its lines
//! here, so the log's filter and its page know every code.
//!
//! The codes are stored as text (`AuditAction::code`); the enum is never serialized as such.

use crate::work::WorkAction;

crate::labelled!(
    /// What one line of the audit log records.
    AuditAction {
        Login = "login", "登录";
        LoginFailed = "login.failed", "登录失败";
        LoginLocked = "login.locked", "登录锁定";
        UserCreate = "user.create", "新建用户";
        UserPassword = "user.password", "设置密码";
        UnionCreate = "union.create", "新建工会";
        UnionUpdate = "union.update", "修改工会";
        UnionMove = "union.move", "调整隶属";
        EnterpriseCreate = "enterprise.create", "新建企业";
        MemberCreate = "member.create", "新增会员";
        MemberUpdate = "member.update", "修改会员";
        MemberTransfer = "member.transfer", "会员转会";
        MemberStatus = "member.status", "会员状态变更";
        MemberReveal = "member.reveal", "查看完整身份证号";
        MemberExport = "member.export", "导出名册";
        MemberImport = "member.import", "导入名册";
        CalendarLoad = "calendar.load", "载入工作日历";
        WorkSla = "work.sla", "修改办理时限";
        WorkCreate = "work.create", "登记事项";
        WorkAccept = "work.accept", "受理事项";
        WorkForward = "work.forward", "转办事项";
        WorkPause = "work.pause", "暂停事项";
        WorkResume = "work.resume", "恢复办理事项";
        WorkResolve = "work.resolve", "办结事项";
        WorkApprove = "work.approve", "审核通过事项";
        WorkReturn = "work.return", "退回重办事项";
        WorkReopen = "work.reopen", "重新办理事项";
        WorkRate = "work.rate", "评价事项";
        WorkComment = "work.comment", "事项留言";
        WorkAttach = "work.attach", "上传附件";
        WorkRemind = "work.remind", "到期提醒";
        WorkEscalate = "work.escalate", "逾期升级";
        CareMoney = "care.money", "修改慰问金规则";
        CarePolicy = "care.policy", "修改五必规则";
        CarePolicyDelete = "care.policy.delete", "删除五必规则";
        CareBudget = "care.budget", "设置年度预算";
        CareEvent = "care.event", "登记五必事件";
        CarePayment = "care.payment", "登记慰问金";
        CarePaymentDecide = "care.payment.decide", "审批慰问金";
        CarePaymentWaive = "care.payment.waive", "免发慰问金";
        HardshipStandard = "hardship.standard", "设置困难标准";
        HardshipRules = "hardship.rules", "修改帮扶规则";
        HardshipApply = "hardship.apply", "困难职工申请";
        HardshipDecide = "hardship.decide", "困难认定";
        HardshipAid = "hardship.aid", "登记帮扶";
        HardshipReview = "hardship.review", "困难档案复核";
        HardshipExit = "hardship.exit", "困难档案退出";
        CampaignCreate = "campaign.create", "新建四季送活动";
        CampaignBuild = "campaign.build", "生成送达名单";
        CampaignAddTarget = "campaign.add_target", "增补送达对象";
        CampaignDeliver = "campaign.deliver", "登记送达";
        CampaignDeliverAll = "campaign.deliver_all", "导入签收结果";
        CampaignSignList = "campaign.sign_list", "导出签收表";
        CampaignSigned = "campaign.signed", "上传签收表";
        CampaignFair = "campaign.fair", "登记招聘会";
        BenefitCreate = "benefit.create", "新建普惠项目";
        BenefitEnrol = "benefit.enrol", "普惠报名";
        BenefitEnrolUnion = "benefit.enrol_union", "普惠整单位报名";
        LegalLimit = "legal.limit", "修改法定时限";
        LegalAidApply = "legal.aid.apply", "法律援助申请";
        LegalAidStep = "legal.aid.step", "法律援助办理";
        LegalRate = "legal.rate", "修改五率口径";
        LegalDisputeApply = "legal.dispute.apply", "劳动争议调解申请";
        LegalDisputeStep = "legal.dispute.step", "劳动争议调解办理";
        LegalSupervisionRegister = "legal.supervision.register", "登记劳动法律监督";
        LegalSupervisionStep = "legal.supervision.step", "劳动法律监督办理";
        LegalLetterTemplate = "legal.letter_template", "修改监督函件模板";
        LegalContractStep = "legal.contract.step", "集体合同办理";
        EnterpriseFlags = "enterprise.flags", "修改企业民主管理情况";
        LegalPublicity = "legal.publicity", "普法计划和活动";
        LegalQuiz = "legal.quiz", "修改法律知识题库和合格线";
        DirectAsk = "direct.ask", "政策咨询提问";
        DirectAnswer = "direct.answer", "政策咨询解答";
        DirectFaq = "direct.faq", "修改常见问答";
        DirectCategory = "direct.category", "修改咨询分类";
        DirectBulletin = "direct.bulletin", "下发通知文件";
        DirectConfirm = "direct.confirm", "签收通知文件";
        DirectNetwork = "direct.network", "维护五直联系网络";
        DirectConsult = "direct.consult", "发起寻策问计";
        DirectAdopt = "direct.adopt", "采纳意见建议";
        DirectProblem = "direct.problem", "问题需求直达部门";
        DirectCallback = "direct.callback", "回访";
        DirectPractice = "direct.practice", "经验做法";
    }
);

impl AuditAction {
    /// The line an action on a work item writes.
    pub fn of_work(a: WorkAction) -> Self {
        match a {
            WorkAction::Create => Self::WorkCreate,
            WorkAction::Accept => Self::WorkAccept,
            WorkAction::Forward => Self::WorkForward,
            WorkAction::Pause => Self::WorkPause,
            WorkAction::Resume => Self::WorkResume,
            WorkAction::Resolve => Self::WorkResolve,
            WorkAction::Approve => Self::WorkApprove,
            WorkAction::Return => Self::WorkReturn,
            WorkAction::Reopen => Self::WorkReopen,
            WorkAction::Rate => Self::WorkRate,
            WorkAction::Comment => Self::WorkComment,
            WorkAction::Attach => Self::WorkAttach,
            WorkAction::Remind => Self::WorkRemind,
            WorkAction::Escalate => Self::WorkEscalate,
        }
    }
}

crate::labelled!(
    /// The kind of record a line of the audit log is about.
    AuditEntity {
        User = "user", "用户";
        Union = "union", "工会";
        Enterprise = "enterprise", "企业";
        Member = "member", "会员";
        Import = "import", "导入文件";
        Calendar = "calendar", "工作日历";
        WorkKind = "work_kind", "事项类型";
        WorkItem = "work_item", "事项";
        CareSettings = "care_settings", "慰问金规则";
        CarePolicy = "care_policy", "五必规则";
        CareBudgets = "care_budgets", "年度预算";
        CareEvent = "care_event", "五必事件";
        CarePayment = "care_payment", "慰问金";
        HardshipStandards = "hardship_standards", "困难标准";
        HardshipSettings = "hardship_settings", "帮扶规则";
        HardshipFile = "hardship_file", "困难职工档案";
        Campaign = "campaign", "四季送活动";
        CampaignTarget = "campaign_target", "送达对象";
        Benefit = "benefit", "普惠项目";
        LegalLimit = "legal_limit", "法定时限";
        LegalAid = "legal_aid", "法律援助案件";
        LegalRate = "legal_rate", "五率口径";
        LegalDispute = "legal_dispute", "劳动争议";
        LegalSupervision = "legal_supervision", "劳动法律监督";
        LegalLetterTemplate = "legal_letter_template", "监督函件模板";
        LegalContract = "legal_contract", "集体合同";
        LegalPublicity = "legal_publicity", "普法计划";
        LegalQuiz = "legal_quiz", "法律知识题库";
        DirectQuestion = "direct_question", "政策咨询";
        DirectFaq = "direct_faq", "常见问答";
        DirectCategory = "direct_category", "咨询分类";
        DirectBulletin = "direct_bulletin", "通知文件";
        DirectNetwork = "direct_network", "五直联系网络";
        DirectConsultation = "direct_consultation", "寻策问计";
        DirectProblem = "direct_problem", "问题需求";
        DirectPractice = "direct_practice", "经验做法";
    }
);

/// The label of a stored action code; an unknown code (from a newer node) shows as it is.
pub fn action_label(code: &str) -> std::borrow::Cow<'static, str> {
    match AuditAction::parse(code) {
        Ok(a) => a.label().into(),
        Err(_) => code.to_string().into(),
    }
}

/// The label of a stored record kind.
pub fn entity_label(code: &str) -> std::borrow::Cow<'static, str> {
    match AuditEntity::parse(code) {
        Ok(e) => e.label().into(),
        Err(_) => code.to_string().into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_work_action_has_its_line() {
        for a in WorkAction::ALL {
            assert_eq!(AuditAction::of_work(*a).code(), format!("work.{}", a.code()));
        }
    }

    #[test]
    fn codes_and_labels_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for a in AuditAction::ALL {
            assert!(seen.insert(a.code()) && seen.insert(a.label()), "{a:?}");
        }
        assert_eq!(action_label("member.reveal"), "查看完整身份证号");
        assert_eq!(action_label("unknown.thing"), "unknown.thing");
    }
}
