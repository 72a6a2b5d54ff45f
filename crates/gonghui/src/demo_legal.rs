//! A year of the demo county's legal-rights work, taken through the store as staff would take
//! it on the pages: legal aid applications in every stage — materials asked for once, granted
//! and closed with the amount recovered, refused with reasons (one objected to), referred, and
//! the latest still waiting for their decision; and labour disputes mediated to an agreement
//! performed (or a 支付令), sent on to arbitration, withdrawn or declined, the latest still open;
//! labour-law supervision with its letters; collective contracts in force, near expiry and expired.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use store::{Actor, Db};
use time::{Date, Duration};

const FACTS: &[(&str, &str, &str)] = &[
    ("wages", "arbitration", "连续三个月工资未按时足额发放，多次催要未果。"),
    ("wages", "mediation", "离职后公司拒绝结算最后一个月工资和加班费。"),
    ("injury_compensation", "arbitration", "工伤认定后单位拒绝支付一次性伤残补助金。"),
    ("labour_relation", "arbitration", "入职两年未签劳动合同，单位否认存在劳动关系。"),
    ("social_insurance", "consultation", "单位未为本人缴纳社会保险，咨询如何补缴。"),
    ("other", "document", "单位单方解除劳动合同，需代写仲裁申请书。"),
];

const REPORTS: &[(&str, &str)] = &[
    ("mediated", "经镇劳动争议调解委员会调解，双方达成协议，单位一次性支付。"),
    ("awarded", "经劳动人事争议仲裁委员会裁决，支持申请人的主要请求，已履行。"),
    ("settled", "在仲裁前与单位达成和解，单位分两期支付，已履行完毕。"),
];

/// Cases applied for over the last year; returns how many.
pub(crate) async fn generate(db: &Db, admin: &Actor, count: usize, seed: u64, today: Date) -> anyhow::Result<usize> {
    use store::legal::aid as la;
    let cal = store::calendar::load(db).await?;
    let mut rng = StdRng::seed_from_u64(seed ^ 0x4c45_4741);
    let Some((lo, hi)) = store::members::id_range(db).await? else { return Ok(0) };
    // Spread over the year, the last few in the past week so some still wait for a decision.
    let mut plan: Vec<Date> = (0..count)
        .map(|i| today - Duration::days(if i < 4 { rng.gen_range(0..7) } else { rng.gen_range(7..360) }))
        .collect();
    plan.sort();
    let mut made = 0;
    let mut tx = db.write_tx().await?;
    for (n, applied) in plan.into_iter().enumerate() {
        tx = crate::demo::next_batch(db, tx, n).await?;
        let (matter, form, facts) = FACTS[rng.gen_range(0..FACTS.len())];
        let migrant = rng.gen_bool(0.35);
        let claim = rng.gen_range(30..400) * 100;
        let a = la::AidApplication {
            member_id: Some(rng.gen_range(lo..=hi)),
            matter: matter.into(),
            form: Some(form.into()),
            channel: Some(["counter", "hotline", "online"][rng.gen_range(0..3)].into()),
            facts: facts.into(),
            employer: Some(format!(
                "建湖县{}有限公司",
                ["恒达机械", "金穗纺织", "湖滨建材", "新阳电子"][rng.gen_range(0..4)]
            )),
            claim: Some(claim.to_string()),
            migrant,
            ..Default::default()
        };
        let id = match tx.step(async |tx| la::apply_within(tx, &cal, admin, &a, applied).await).await {
            Ok(id) => id,
            Err(e) if e.is_bad_input() => continue,
            Err(e) => return Err(e.into()),
        };
        made += 1;
        let mut day = applied;
        let step = |rng: &mut StdRng, from: Date, days: std::ops::RangeInclusive<i64>| {
            let d = from + Duration::days(rng.gen_range(days));
            (d <= today).then_some(d)
        };
        if rng.gen_bool(0.2) {
            let Some(d) = step(&mut rng, day, 0..=1) else { continue };
            la::ask_materials_within(
                &mut tx,
                &cal,
                admin,
                id,
                &la::MissingForm { materials: "工资条或银行流水；劳动合同或工作证".into() },
                d,
            )
            .await?;
            let Some(d2) = step(&mut rng, d, 1..=6) else { continue };
            la::materials_supplied_within(&mut tx, &cal, admin, id, d2).await?;
            day = d2;
        }
        let Some(d) = step(&mut rng, day, 1..=6) else { continue };
        let roll = rng.gen_range(0..100);
        let (decision, reason) = match roll {
            0..=7 => ("refuse", Some("申请人经济状况不符合法律援助条件")),
            8..=11 => ("refer", Some("属于司法行政机关法律援助范围，已转县法律援助中心")),
            _ => ("grant", None),
        };
        let decided = la::DecisionForm {
            decision: decision.into(),
            reason: reason.map(String::from),
            late_reason: Some("节假日后集中审查".into()),
            form: None,
        };
        la::decide_within(&mut tx, &cal, admin, id, &decided, d).await?;
        day = d;
        if decision == "refuse" {
            if rng.gen_bool(0.5)
                && let Some(d) = step(&mut rng, day, 1..=5)
            {
                la::object_within(
                    &mut tx,
                    &cal,
                    admin,
                    id,
                    &la::ObjectionForm { filed_on: None, note: Some("申请人不服".into()) },
                    d,
                )
                .await?;
                if let Some(d2) = step(&mut rng, d, 2..=5) {
                    let r = la::ObjectionResult { upheld: false, note: "经审查，维持原决定".into() };
                    la::objection_decided_within(&mut tx, &cal, admin, id, &r, d2).await?;
                }
            }
            continue;
        }
        if decision != "grant" {
            continue;
        }
        let Some(d) = step(&mut rng, day, 0..=3) else { continue };
        let provider = format!(
            "{}律师（{}）",
            crate::demo::person_name(&mut rng),
            ["县总工会法律服务中心", "江苏湖滨律师事务所"][rng.gen_range(0..2)]
        );
        let kind = if provider.contains("法律服务中心") { "union_lawyer" } else { "law_firm" };
        la::assign_within(&mut tx, &cal, admin, id, &la::AssignForm { provider, provider_kind: kind.into() }, d)
            .await?;
        let Some(d) = step(&mut rng, d, 10..=80) else { continue };
        if rng.gen_bool(0.06) {
            let t = la::TerminateForm { ground: "own_lawyer".into(), note: Some("申请人另行委托律师".into()) };
            la::terminate_within(&mut tx, &cal, admin, id, &t, d).await?;
            continue;
        }
        let (outcome, report) = if form_is_advice(form) {
            ("advised", "已解答咨询并代写文书。")
        } else {
            REPORTS[rng.gen_range(0..REPORTS.len())]
        };
        let recovered = if outcome == "advised" { 0 } else { claim * rng.gen_range(60..=100) / 100 };
        let c =
            la::CloseForm { outcome: outcome.into(), recovered: Some(recovered.to_string()), report: report.into() };
        la::close_within(&mut tx, &cal, admin, id, &c, d).await?;
    }
    tx.commit().await?;
    Ok(made)
}

fn form_is_advice(form: &str) -> bool {
    matches!(form, "consultation" | "document")
}

/// Labour disputes over the last year, in every stage, most ending through a lawful channel.
pub(crate) async fn disputes(db: &Db, admin: &Actor, count: usize, seed: u64, today: Date) -> anyhow::Result<usize> {
    use store::legal::dispute as ld;
    let cal = store::calendar::load(db).await?;
    let mut rng = StdRng::seed_from_u64(seed ^ 0x4449_5350);
    let Some((lo, hi)) = store::members::id_range(db).await? else { return Ok(0) };
    let mut plan: Vec<Date> = (0..count)
        .map(|i| today - Duration::days(if i < 3 { rng.gen_range(0..5) } else { rng.gen_range(5..350) }))
        .collect();
    plan.sort();
    let claims: &[&[&str]] =
        &[&["wages"], &["wages", "overtime"], &["compensation"], &["injury"], &["social_insurance"]];
    let mut made = 0;
    let mut tx = db.write_tx().await?;
    for (n, applied) in plan.into_iter().enumerate() {
        tx = crate::demo::next_batch(db, tx, n).await?;
        let amount = rng.gen_range(20..300) * 100;
        let f = ld::DisputeForm {
            member_id: Some(rng.gen_range(lo..=hi)),
            claims: claims[rng.gen_range(0..claims.len())].iter().map(|c| c.to_string()).collect(),
            amount: Some(amount.to_string()),
            employer: format!(
                "建湖县{}有限公司",
                ["恒达机械", "金穗纺织", "湖滨建材", "新阳电子", "顺达物流"][rng.gen_range(0..5)]
            ),
            facts: "职工反映单位拖欠工资、未依法支付加班费或解除劳动合同未给予经济补偿。".into(),
            knew_on: domain::fmt_date(applied - Duration::days(rng.gen_range(5..300))),
        };
        let id = match tx.step(async |tx| ld::apply_within(tx, &cal, admin, &f, applied).await).await {
            Ok(id) => id,
            Err(e) if e.is_bad_input() => continue,
            Err(e) => return Err(e.into()),
        };
        made += 1;
        let step = |rng: &mut StdRng, from: Date, days: std::ops::RangeInclusive<i64>| {
            let d = from + Duration::days(rng.gen_range(days));
            (d <= today).then_some(d)
        };
        let Some(day) = step(&mut rng, applied, 0..=2) else { continue };
        if rng.gen_bool(0.08) {
            ld::accept_within(
                &mut tx,
                &cal,
                admin,
                id,
                &ld::AcceptForm { accept: false, reason: Some("不属于劳动争议调解范围".into()) },
                day,
            )
            .await?;
            continue;
        }
        ld::accept_within(&mut tx, &cal, admin, id, &ld::AcceptForm { accept: true, reason: None }, day).await?;
        let Some(day) = step(&mut rng, day, 2..=6) else { continue };
        ld::session_within(
            &mut tx,
            admin,
            id,
            &ld::SessionForm { note: "双方到场，陈述意见，调解员释法说理".into() },
            day,
        )
        .await?;
        let Some(day) = step(&mut rng, day, 1..=6) else { continue };
        if rng.gen_bool(0.25) {
            let next = if rng.gen_bool(0.7) { "arbitration" } else { "withdrawn" };
            let m = ld::MediationForm { agreed: false, next: Some(next.into()), ..Default::default() };
            ld::mediation_within(&mut tx, &cal, admin, id, &m, day).await?;
            continue;
        }
        let m = ld::MediationForm {
            agreed: true,
            terms: Some(format!("单位于约定期限内支付 {} 元", amount * 8 / 10)),
            amount: Some((amount * 8 / 10).to_string()),
            perform_by: Some(domain::fmt_date(day + Duration::days(10))),
            next: None,
        };
        ld::mediation_within(&mut tx, &cal, admin, id, &m, day).await?;
        let Some(day) = step(&mut rng, day, 5..=12) else { continue };
        let performed = rng.gen_bool(0.85);
        let p = ld::PerformanceForm {
            performed,
            review_applied: rng.gen_bool(0.3),
            next: (!performed).then(|| "payment_order".to_string()),
            note: None,
        };
        ld::performance_within(&mut tx, &cal, admin, id, &p, day).await?;
    }
    tx.commit().await?;
    Ok(made)
}

/// What the demo's supervisors find, by issue: (issue, facts, basis, requests).
const FINDINGS: &[(&str, &str, &str, &str)] = &[
    (
        "wages",
        "单位未按月足额支付工资，拖欠一线职工两个月工资。",
        "《中华人民共和国劳动法》第五十条、《保障农民工工资支付条例》",
        "立即足额支付拖欠的工资，并建立按月支付制度。",
    ),
    (
        "hours",
        "生产旺季安排职工每日延长工作时间三小时以上，未支付加班工资。",
        "《中华人民共和国劳动法》第四十一条、第四十四条",
        "停止违法延长工作时间，依法补发加班工资。",
    ),
    (
        "safety",
        "高温作业岗位未落实防暑降温措施，未发放高温津贴。",
        "《防暑降温措施管理办法》第八条、第十七条",
        "落实防暑降温措施，按标准发放高温津贴。",
    ),
    (
        "contract",
        "部分职工入职超过一个月仍未订立书面劳动合同。",
        "《中华人民共和国劳动合同法》第十条、第八十二条",
        "与全部职工依法订立书面劳动合同。",
    ),
    (
        "insurance",
        "单位未为部分职工缴纳社会保险费。",
        "《中华人民共和国社会保险法》第五十八条",
        "为全部职工依法参加社会保险并补缴欠费。",
    ),
];

/// Labour-law supervision over the last year for about a third of the employers: leads accepted
/// and investigated by two supervisors, 提示函 and 意见书 answered in time or late or not at all,
/// 建议书 to the labour department, a few referred to the procuratorate; the latest still open.
pub(crate) async fn supervision(
    db: &Db,
    admin: &Actor,
    enterprises: &[i64],
    seed: u64,
    today: Date,
) -> anyhow::Result<usize> {
    use store::legal::supervision as ls;
    let cal = store::calendar::load(db).await?;
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5355_5056);
    let count = (enterprises.len() * 35 / 100).max(12);
    let mut plan: Vec<(Date, i64)> = (0..count)
        .map(|i| {
            let back = if i < 3 { rng.gen_range(0..4) } else { rng.gen_range(4..350) };
            (today - Duration::days(back), enterprises[rng.gen_range(0..enterprises.len())])
        })
        .collect();
    plan.sort();
    let sources = ["complaint", "hotline", "inspection", "inspection", "referral"];
    let mut made = 0;
    for (registered, enterprise) in plan {
        let (issue, facts, basis, requests) = FINDINGS[rng.gen_range(0..FINDINGS.len())];
        let f = ls::SupervisionForm {
            enterprise_id: Some(enterprise),
            enterprise: None,
            source: sources[rng.gen_range(0..sources.len())].into(),
            issues: vec![issue.into()],
            facts: facts.into(),
            complainant: None,
        };
        let d = ls::register(db, &cal, admin, &f, registered).await?;
        made += 1;
        let id = d.case.id;
        let step = |rng: &mut StdRng, from: Date, days: std::ops::RangeInclusive<i64>| {
            let d = from + Duration::days(rng.gen_range(days));
            (d <= today).then_some(d)
        };
        let Some(day) = step(&mut rng, registered, 0..=3) else { continue };
        if rng.gen_bool(0.08) {
            let no = ls::AcceptForm {
                accept: false, reason: Some("已进入劳动仲裁程序，书面告知投诉人".into())
            };
            ls::accept(db, &cal, admin, id, &no, day).await?;
            continue;
        }
        ls::accept(db, &cal, admin, id, &ls::AcceptForm { accept: true, reason: None }, day).await?;
        let Some(day) = step(&mut rng, day, 1..=8) else { continue };
        let signed = rng.gen_bool(0.9);
        let inspection = ls::InspectionForm {
            inspected_on: None,
            inspectors: ["王建国、李秀英", "陈志强、周丽", "刘洋、孙海燕、吴军"][rng.gen_range(0..3)].into(),
            record: format!("现场查看并调阅考勤、工资台账。{facts}"),
            employer_signed: signed,
            refusal_note: (!signed).then(|| "单位负责人拒绝在调查记录上签字，由两名监督员注明".to_string()),
        };
        ls::inspect(db, admin, id, &inspection, day).await?;
        let Some(day) = step(&mut rng, day, 1..=5) else { continue };
        if rng.gen_bool(0.25) {
            let done = ls::ConclusionForm {
                outcome: "compliant".into(),
                note: "经核查，未发现违反劳动法律法规的行为".into(),
            };
            ls::conclude(db, &cal, admin, id, &done, day).await?;
            continue;
        }
        let kind = if rng.gen_bool(0.45) { "tip" } else { "opinion" };
        let letter = ls::LetterForm {
            kind: kind.into(),
            addressee: None,
            facts: facts.into(),
            basis: basis.into(),
            requests: requests.into(),
        };
        let d = ls::send_letter(db, &cal, admin, id, &letter, day).await?;
        let Some(l) = d.letters.last() else { continue };
        let (letter_id, due) = (l.id, domain::parse_date(&l.reply_due).unwrap_or(day));
        let Some(served) = step(&mut rng, day, 0..=2) else { continue };
        let how = ls::ServiceForm {
            served_on: domain::fmt_date(served),
            served_how: "直接送达，单位办公室签收".into(),
        };
        let d = ls::serve(db, &cal, admin, letter_id, &how, served).await?;
        let due = d.letters.last().and_then(|l| domain::parse_date(&l.reply_due)).unwrap_or(due);
        let answer = rng.gen_range(0..100);
        if answer < 72 {
            // Answered in time, mostly accepting and correcting.
            let Some(on) = step(&mut rng, served, 3..=14).filter(|d| *d <= due) else { continue };
            let accepted = rng.gen_bool(0.85);
            let text = if accepted {
                "单位书面答复：接受意见，已制定整改措施并落实。"
            } else {
                "单位书面答复：对认定事实有异议。"
            };
            ls::reply(
                db,
                &cal,
                admin,
                letter_id,
                &ls::ReplyForm { replied_on: None, accepted, reply: text.into() },
                on,
            )
            .await?;
            let Some(on) = step(&mut rng, on, 3..=10) else { continue };
            let (outcome, note) = if accepted && rng.gen_bool(0.9) {
                ("rectified", "回访核实，单位已按期整改，职工确认")
            } else {
                ("unresolved", "回访核实，单位未整改")
            };
            ls::conclude(db, &cal, admin, id, &ls::ConclusionForm { outcome: outcome.into(), note: note.into() }, on)
                .await?;
        } else if answer < 85 {
            // Answered late.
            let Some(on) = step(&mut rng, due, 2..=10) else { continue };
            let r = ls::ReplyForm {
                replied_on: None, accepted: true, reply: "单位逾期书面答复，表示将整改。".into()
            };
            ls::reply(db, &cal, admin, letter_id, &r, on).await?;
            let Some(on) = step(&mut rng, on, 3..=10) else { continue };
            let done =
                ls::ConclusionForm { outcome: "rectified".into(), note: "回访核实，单位已整改".into() };
            ls::conclude(db, &cal, admin, id, &done, on).await?;
        } else {
            // No answer: the county sends a 建议书 and the department files the case.
            let Some(on) = step(&mut rng, due, 1..=6) else { continue };
            let proposal = ls::LetterForm {
                kind: "proposal".into(),
                addressee: Some("建湖县人力资源和社会保障局".into()),
                facts: facts.into(),
                basis: basis.into(),
                requests: format!("依法责令该单位{requests}"),
            };
            let d = ls::send_letter(db, &cal, admin, id, &proposal, on).await?;
            if rng.gen_bool(0.3) {
                let r = ls::ReferralForm {
                    group: "migrant_wages".into(),
                    note: "移送调查记录、监督函件及送达回证".into(),
                };
                ls::refer(db, admin, id, &r, on).await?;
            }
            let Some(pid) = d.letters.last().map(|l| l.id) else { continue };
            let Some(on) = step(&mut rng, on, 1..=5) else { continue };
            let r = ls::ReplyForm {
                replied_on: None, accepted: true, reply: "劳动保障监察大队已立案调查".into()
            };
            ls::reply(db, &cal, admin, pid, &r, on).await?;
        }
    }
    Ok(made)
}

/// Collective contracts for about two fifths of the employers, signed over the last three years
/// (comprehensive for three years, wage contracts for one), so some are in force, some have their
/// renewal window open; a few refused; the latest requests still being negotiated.
pub(crate) async fn contracts(
    db: &Db,
    admin: &Actor,
    enterprises: &[i64],
    seed: u64,
    today: Date,
) -> anyhow::Result<usize> {
    use store::legal::contract as lc;
    let cal = store::calendar::load(db).await?;
    let mut rng = StdRng::seed_from_u64(seed ^ 0x434F_4E54);
    let mut made = 0;
    let mut chosen: Vec<i64> = enterprises.iter().copied().filter(|_| rng.gen_bool(0.4)).collect();
    chosen.sort();
    let mut tx = db.write_tx().await?;
    for (n, (i, enterprise)) in chosen.into_iter().enumerate().enumerate() {
        tx = crate::demo::next_batch(db, tx, n).await?;
        let wages = rng.gen_bool(0.5);
        let (kind, years) = if wages { ("wages", 1) } else { ("comprehensive", 3) };
        // Requested between a few days and (a term and a bit) ago.
        let back = if i < 3 { rng.gen_range(0..20) } else { rng.gen_range(20..(years * 365 + 60)) };
        let requested = today - Duration::days(back);
        let f = lc::ContractForm {
            scope: "enterprise".into(),
            enterprise_id: Some(enterprise),
            kind: kind.into(),
            requested_by: if rng.gen_bool(0.8) { "union" } else { "employer" }.into(),
            ..Default::default()
        };
        let id = lc::request_within(&mut tx, &cal, admin, &f, requested).await?;
        made += 1;
        let step = |rng: &mut StdRng, from: Date, days: std::ops::RangeInclusive<i64>| {
            let d = from + Duration::days(rng.gen_range(days));
            (d <= today).then_some(d)
        };
        let Some(day) = step(&mut rng, requested, 3..=15) else { continue };
        if rng.gen_bool(0.05) {
            let no =
                lc::AnswerForm {
                    agreed: false, reason: Some("企业经营困难，要求暂缓协商".into()), answered_on: None
                };
            lc::answer_within(&mut tx, &cal, admin, id, &no, day).await?;
            continue;
        }
        lc::answer_within(&mut tx, &cal, admin, id, &lc::AnswerForm { agreed: true, ..Default::default() }, day)
            .await?;
        let Some(day) = step(&mut rng, day, 2..=10) else { continue };
        let n = rng.gen_range(3..=7);
        let reps = lc::RepresentativesForm {
            workers: n,
            employer: n,
            chief_worker: "工会主席".into(),
            chief_employer: "企业法定代表人".into(),
        };
        lc::representatives_within(&mut tx, admin, id, &reps, day).await?;
        let Some(day) = step(&mut rng, day, 10..=40) else { continue };
        let entitled = rng.gen_range(30..=120);
        let present = entitled * rng.gen_range(70..=100) / 100;
        let vote = lc::VoteForm {
            entitled,
            present,
            approving: present * rng.gen_range(80..=100) / 100,
            voted_on: None,
            term_years: Some(years),
            starts_on: None,
            wage_increase: wages.then(|| format!("{}.{}", rng.gen_range(3..8), rng.gen_range(0..10))),
            covered_workers: Some(rng.gen_range(30..600)),
        };
        lc::vote_within(&mut tx, &cal, admin, id, &vote, day).await?;
        let Some(day) = step(&mut rng, day, 1..=9) else { continue };
        lc::submit_within(&mut tx, &cal, admin, id, &lc::DateForm { on: None }, day).await?;
        let Some(day) = step(&mut rng, day, 5..=16) else { continue };
        lc::review_within(&mut tx, &cal, admin, id, &lc::ReviewForm { objection: None, on: None }, day).await?;
        let Some(day) = step(&mut rng, day, 1..=5) else { continue };
        lc::publish_within(&mut tx, admin, id, &lc::DateForm { on: None }, day).await?;
    }
    tx.commit().await?;
    Ok(made)
}

/// A year of legal publicity — each month's focus unit and topic, an event there (the current
/// month's still to come), other events — and members' quizzes (about one in eight members, at
/// most 3 000, mostly passing).
pub(crate) async fn awareness(
    db: &Db,
    admin: &Actor,
    unions: &[String],
    seed: u64,
    today: Date,
) -> anyhow::Result<usize> {
    use domain::legal::awareness::{LegalTopic, PublicityForm};
    use store::legal::awareness as la;
    let cal = store::calendar::load(db).await?;
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5055_424C);
    if unions.is_empty() {
        return Ok(0);
    }
    let mut events = 0;
    for back in (0..12).rev() {
        let first = (0..back).fold(today.replace_day(1).unwrap_or(today), |d, _| {
            d.previous_day().and_then(|p| p.replace_day(1).ok()).unwrap_or(d)
        });
        let topic = LegalTopic::ALL[rng.gen_range(0..LegalTopic::ALL.len())];
        let unit = &unions[rng.gen_range(0..unions.len())];
        let plan = la::PlanForm {
            month: domain::fmt_date(first)[..7].to_string(),
            union: unit.clone(),
            topic: topic.code().into(),
            note: None,
        };
        la::set_plan(db, &cal, admin, &plan, first).await?;
        let mut held = Vec::new();
        if back > 0 || rng.gen_bool(0.3) {
            held.push((unit.clone(), topic));
        }
        for _ in 0..rng.gen_range(1..4) {
            held.push((
                unions[rng.gen_range(0..unions.len())].clone(),
                LegalTopic::ALL[rng.gen_range(0..LegalTopic::ALL.len())],
            ));
        }
        for (u, t) in held {
            let on = first + Duration::days(rng.gen_range(3..26));
            if on > today {
                continue;
            }
            let e = la::EventForm {
                union: u,
                held_on: domain::fmt_date(on),
                form: PublicityForm::ALL[rng.gen_range(0..PublicityForm::ALL.len())].code().into(),
                topic: t.code().into(),
                participants: rng.gen_range(20..200),
                materials: Some("发放普法宣传手册，现场解答职工提问".into()),
            };
            la::record_event(db, &cal, admin, &e, on).await?;
            events += 1;
        }
    }
    // Members' quizzes over the year.
    let Some((lo, hi)) = store::members::id_range(db).await? else { return Ok(events) };
    let bank = la::questions(db, admin).await?;
    let right = |id: i64| bank.iter().find(|q| q.id == id).map(|q| q.answer).unwrap_or(0);
    let attempts = (((hi - lo + 1) / 8) as usize).min(3000);
    for _ in 0..attempts {
        let member = rng.gen_range(lo..=hi);
        let who = Actor {
            user_id: None,
            username: "member".into(),
            name: "会员".into(),
            role: domain::Role::Member,
            scope: domain::Scope::OwnRecord { member_id: member },
            department_id: None,
            ip: None,
        };
        let topic = if rng.gen_bool(0.5) {
            None
        } else {
            Some(LegalTopic::ALL[rng.gen_range(0..LegalTopic::ALL.len())].code())
        };
        let quiz = la::quiz(db, &who, topic).await?;
        let skill = rng.gen_range(0.5..1.0);
        let answers = quiz
            .questions
            .iter()
            .map(|q| {
                let choice = if rng.gen_bool(skill) { right(q.id) } else { (right(q.id) + 1) % q.options.len() as i64 };
                la::Answer { question: q.id, choice }
            })
            .collect();
        let on = today - Duration::days(rng.gen_range(0..360));
        la::submit(db, &who, &la::QuizAnswers { topic: topic.map(String::from), answers }, on).await?;
    }
    Ok(events)
}
