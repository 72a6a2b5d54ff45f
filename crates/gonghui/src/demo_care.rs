//! A year of 五必 care in the demo county: events recorded for members through the real store
//! (so every obligation is a real work item with its policy deadline), most obligations done on
//! time, some late, the newest still open; payments within the policy's range, the larger ones
//! approved by the county; a budget for this year and last.

use anyhow::Context;
use domain::care::{CareAction, CareEventKind};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use store::care::{NewEvent, NewPayment};
use store::{Actor, Db};
use time::{Date, Duration};

pub(crate) struct CareReport {
    pub events: usize,
    pub payments: usize,
}

const KINDS: &[(CareEventKind, u32, &[&str])] = &[
    (CareEventKind::Marriage, 15, &["新婚", "喜结良缘"]),
    (CareEventKind::Childbirth, 12, &["喜得千金", "喜得贵子"]),
    (CareEventKind::Award, 6, &["获评县级先进工作者", "获市五一劳动奖章", "技能竞赛一等奖"]),
    (CareEventKind::Hospitalisation, 25, &["阑尾炎手术", "骨折住院", "肺炎住院", "心脏支架手术"]),
    (CareEventKind::Illness, 7, &["确诊恶性肿瘤", "尿毒症透析", "脑梗后遗症"]),
    (CareEventKind::Bereavement, 10, &["父亲病故", "母亲病故", "配偶病故"]),
    (CareEventKind::Disaster, 3, &["房屋因暴雨受损", "家中失火"]),
    (CareEventKind::Retirement, 12, &["光荣退休"]),
    (CareEventKind::Hardship, 6, &["配偶失业，子女上学", "因病致贫", "单亲家庭"]),
];

pub(crate) async fn generate(
    db: &Db,
    admin: &Actor,
    events: usize,
    seed: u64,
    today: Date,
    bar: &indicatif::ProgressBar,
) -> anyhow::Result<CareReport> {
    let cal = store::calendar::load(db).await?;
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed_ca4e);
    let Some((lo, hi)) = store::members::id_range(db).await? else {
        return Ok(CareReport { events: 0, payments: 0 });
    };
    let year = today.year() as i64;
    let per_year = ((hi - lo + 1) * 3).max(100_000).to_string();
    store::care::set_budget(db, admin, year - 1, &per_year).await?;
    store::care::set_budget(db, admin, year, &per_year).await?;
    let total_weight: u32 = KINDS.iter().map(|k| k.1).sum();

    // Oldest first, so the county's history reads in order.
    let mut plan: Vec<(Date, i64, usize)> = (0..events)
        .map(|_| {
            let day = today - Duration::days(rng.gen_range(0..365));
            let member = rng.gen_range(lo..=hi);
            let mut w = rng.gen_range(0..total_weight);
            let k = KINDS.iter().position(|k| {
                if w < k.1 {
                    true
                } else {
                    w -= k.1;
                    false
                }
            });
            (day, member, k.unwrap_or(0))
        })
        .collect();
    plan.sort();
    let mut payments = 0;
    // Through the store's own steps, many events to a transaction, holding their people from the
    // start (the hardship files are paid beside it on PostgreSQL: `ledger::hold_people`).
    for batch in plan.chunks(crate::demo::TX_BATCH) {
        let mut tx = db.write_tx().await?;
        store::ledger::hold_people(&mut tx, &batch.iter().map(|e| e.1).collect::<Vec<_>>()).await?;
        for &(day, member, k) in batch {
            let (kind, _, notes) = KINDS[k];
            let recorded = cal.add_working_days(day, rng.gen_range(0..=1)).min(today);
            let note = notes[rng.gen_range(0..notes.len())].to_string();
            let ev = NewEvent {
                member_id: Some(member),
                kind: kind.code().into(),
                date: domain::fmt_date(day),
                note: Some(note),
            };
            let d = store::care::record_event_within(&mut tx, &cal, admin, &ev, recorded).await.context("关爱事件")?;
            for o in &d.obligations {
                let days = cal.working_days_between(recorded, o.due).max(1) as u32;
                // Nine in ten on time; the rest a few working days late.
                let done = if rng.gen_bool(0.9) {
                    cal.add_working_days(recorded, rng.gen_range(0..=days))
                } else {
                    cal.add_working_days(o.due, rng.gen_range(1..=6))
                };
                if done > today {
                    continue;
                }
                if o.action == CareAction::Payment && o.max_fen > 0 {
                    let steps = (o.max_fen - o.min_fen) / 10_000;
                    let amount = (o.min_fen + 10_000 * rng.gen_range(0..=steps)) / 100;
                    let p = NewPayment {
                        event_id: Some(d.event_id),
                        amount: amount.to_string(),
                        paid_on: Some(domain::fmt_date(done)),
                        ..Default::default()
                    };
                    match tx.step(async |tx| store::care::pay_within(tx, &cal, admin, &p, done).await).await {
                        Ok((id, status)) => {
                            payments += 1;
                            if status == "pending" {
                                store::care::decide_within(&mut tx, &cal, admin, id, true, done).await?;
                            }
                            continue;
                        }
                        // Over the person's yearly cap: the union records that nothing is paid.
                        Err(e) if e.is_bad_input() => {
                            store::care::waive_payment_within(
                                &mut tx,
                                &cal,
                                admin,
                                d.event_id,
                                "已达本年度慰问金上限",
                                done,
                            )
                            .await?;
                            continue;
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
                let result = match o.action {
                    CareAction::Congratulate => "工会主席登门祝贺，送上贺卡",
                    CareAction::Visit => "工会干部上门走访慰问，了解困难",
                    CareAction::Help => "已建立帮扶台账，落实结对帮扶",
                    _ => "已按标准发放",
                };
                let form = store::work::ActionForm {
                    action: "resolve".into(),
                    result: Some(result.into()),
                    ..Default::default()
                };
                store::work::act_within(&mut tx, &cal, admin, o.work_item_id, &form, done)
                    .await
                    .context("关爱事项办结")?;
            }
            bar.inc(1);
        }
        tx.commit().await?;
    }
    Ok(CareReport { events, payments })
}

const CAUSES: &[(&str, u32)] =
    &[("illness", 35), ("disability", 15), ("schooling", 20), ("unemployment", 15), ("disaster", 5), ("accident", 10)];

fn pick<'a>(rng: &mut StdRng, list: &[(&'a str, u32)]) -> &'a str {
    let total: u32 = list.iter().map(|x| x.1).sum();
    let mut w = rng.gen_range(0..total);
    for (v, weight) in list {
        if w < *weight {
            return v;
        }
        w -= weight;
    }
    list[0].0
}

/// Hardship files, applied over the last year, through their whole flow: most filed and
/// helped. Returns how many were filed.
pub(crate) async fn hardship_files(
    db: &Db,
    admin: &Actor,
    files: usize,
    seed: u64,
    today: Date,
    bar: &indicatif::ProgressBar,
) -> anyhow::Result<usize> {
    use domain::hardship::HouseholdMember;
    let cal = store::calendar::load(db).await?;
    let mut rng = StdRng::seed_from_u64(seed ^ 0x4a4d_5348);
    let year = today.year();
    store::hardship::set_standard(db, admin, year as i64 - 1, "830").await?;
    store::hardship::set_standard(db, admin, year as i64, "860").await?;
    let Some((lo, hi)) = store::members::id_range(db).await? else { return Ok(0) };

    // (applied on, member), oldest first.
    let mut plan: Vec<(Date, i64)> =
        (0..files).map(|_| (today - Duration::days(rng.gen_range(20..330)), rng.gen_range(lo..=hi))).collect();
    plan.sort();
    let mut filed = 0;
    // Many files to a transaction, holding their people from the start (care is paid beside
    // it on PostgreSQL: `ledger::hold_people`).
    for batch in plan.chunks(crate::demo::TX_BATCH) {
        let mut tx = db.write_tx().await?;
        store::ledger::hold_people(&mut tx, &batch.iter().map(|f| f.1).collect::<Vec<_>>()).await?;
        for &(applied, member) in batch {
            let mut household = vec![HouseholdMember {
                name: crate::demo::person_name(&mut rng),
                relation: "配偶".into(),
                birth_year: Some(rng.gen_range(1968..1996)),
                health: Some(["健康", "慢性病", "大病", "残疾"][rng.gen_range(0..4)].into()),
                occupation: Some(["务农", "失业", "灵活就业", "无劳动能力"][rng.gen_range(0..4)].into()),
            }];
            for _ in 0..rng.gen_range(0..3) {
                let born = if rng.gen_bool(0.2) { year - 18 } else { rng.gen_range(2006..2022) };
                household.push(HouseholdMember {
                    name: crate::demo::person_name(&mut rng),
                    relation: "子女".into(),
                    birth_year: Some(born),
                    health: Some("健康".into()),
                    occupation: Some("在校".into()),
                });
            }
            let size = household.len() as i64 + 1;
            // Per head and month against the ¥860 standard: deep or relative hardship.
            let share = if rng.gen_bool(0.4) { rng.gen_range(55..95) } else { rng.gen_range(105..190) };
            let income_yuan = 860 * share / 100 * size * 12;
            let main = pick(&mut rng, CAUSES);
            let form = store::hardship::Application {
                member_id: Some(member),
                household,
                yearly_income: income_yuan.to_string(),
                main_cause: main.into(),
                other_causes: if rng.gen_bool(0.4) { vec![pick(&mut rng, CAUSES).into()] } else { vec![] },
                housing: Some(["自有住房", "租房", "危旧房"][rng.gen_range(0..3)].into()),
                insurance: Some("职工医保".into()),
                ..Default::default()
            };
            let id =
                match tx.step(async |tx| store::hardship::apply_within(tx, &cal, admin, &form, applied).await).await {
                    Ok(id) => id,
                    Err(e) if e.is_bad_input() || matches!(e, store::StoreError::Conflict { .. }) => continue,
                    Err(e) => return Err(e.into()),
                };
            let mut day = applied;
            let mut done = true;
            for step in 0..4 {
                day = cal.add_working_days(day, rng.gen_range(1..=4));
                if day > today {
                    done = false;
                    break;
                }
                let refuse = step == 0 && rng.gen_bool(0.04);
                let note = match (refuse, step) {
                    (true, _) => Some("经核实家庭收入高于申报".to_string()),
                    (_, 1) => Some("已入户核实，情况属实".to_string()),
                    _ => None,
                };
                let decision = store::hardship::Decision { approve: !refuse, note };
                store::hardship::decide_within(&mut tx, &cal, admin, id, &decision, day).await?;
                if refuse {
                    done = false;
                    break;
                }
            }
            if done {
                filed += 1;
                let given = cal.add_working_days(day, rng.gen_range(1..=10)).min(today);
                let aid = store::hardship::AidForm {
                    kind: "money".into(),
                    description: "困难职工帮扶金".into(),
                    amount: Some((rng.gen_range(5..=20) * 100).to_string()),
                    given_on: None,
                };
                let _ = tx.step(async |tx| store::hardship::aid_within(tx, admin, id, &aid, given).await).await;
            }
            bar.inc(1);
        }
        tx.commit().await?;
    }
    Ok(filed)
}

/// The four seasonal campaigns: the last of each that has passed delivered, the coming winter's
/// list built (from the hardship files among others) and waiting.
pub(crate) async fn campaigns(
    db: &Db,
    admin: &Actor,
    county: &str,
    grassroots: &[String],
    seed: u64,
    today: Date,
) -> anyhow::Result<()> {
    let cal = store::calendar::load(db).await?;
    let mut rng = StdRng::seed_from_u64(seed ^ 0x4341_4d50);
    let year = today.year();

    // The four seasons: the last of each that has passed is delivered; the coming winter's list
    // is built and waits.
    let past = |month: u8| if (today.month() as u8) > month { year } else { year - 1 };
    let date = |y: i32, m: u8, d: u8| Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), d).unwrap();
    let seasons = [
        ("spring_jobs", "春送岗位", past(3), (2, 1), (3, 31), Some("200"), None, Some("就业岗位信息和求职补贴")),
        (
            "summer_cool",
            "夏送清凉",
            past(8),
            (6, 1),
            (8, 31),
            None,
            None,
            Some("防暑降温用品（绿豆、藿香正气水、毛巾）"),
        ),
        ("autumn_study", "秋送助学", past(9), (8, 1), (9, 30), Some("3000"), Some("1000"), None),
    ];
    for (kind, label, y, (m0, d0), (m1, d1), amount, other, goods) in seasons {
        let form = store::campaigns::CampaignForm {
            kind: kind.into(),
            name: format!("{y} 年{label}"),
            starts_on: domain::fmt_date(date(y, m0, d0)),
            ends_on: domain::fmt_date(date(y, m1, d1)),
            budget: "2000000".into(),
            amount: amount.map(String::from),
            other_amount: other.map(String::from),
            goods: goods.map(String::from),
        };
        let c = store::campaigns::create(db, admin, &form).await?;
        store::campaigns::build_targets(db, &cal, admin, c.id, today).await?;
        let on = cal.add_working_days(date(y, m0, d0), 10);
        if kind == "spring_jobs" {
            for (name, place, day) in
                [("春风行动专场招聘会", "县人力资源市场", 4), ("重点企业用工对接会", "高新区职工服务中心", 25)]
            {
                let fair = store::campaigns::FairForm {
                    name: name.into(),
                    held_on: domain::fmt_date(cal.add_working_days(date(y, m0, d0), day)),
                    place: Some(place.into()),
                    employers: rng.gen_range(30..80),
                    positions: rng.gen_range(800..2000),
                    attendees: rng.gen_range(1500..3000),
                    hired: rng.gen_range(150..400),
                };
                store::campaigns::add_fair(db, admin, c.id, &fair, today).await?;
            }
        }
        if kind == "summer_cool" {
            // Delivered workplace by workplace; a few unions still to report.
            for code in grassroots {
                if rng.gen_bool(0.88) {
                    let day = cal.add_working_days(on, rng.gen_range(0..30));
                    store::campaigns::deliver_all(db, &cal, admin, c.id, code, day, today).await?;
                }
            }
        } else {
            store::campaigns::deliver_all(db, &cal, admin, c.id, county, on, today).await?;
        }
    }
    let winter_year = if (today.month() as u8) >= 3 { year } else { year - 1 };
    let form = store::campaigns::CampaignForm {
        kind: "winter_warmth".into(),
        name: format!("{winter_year}–{} 年冬送温暖", winter_year + 1),
        starts_on: domain::fmt_date(date(winter_year, 12, 1)),
        ends_on: domain::fmt_date(date(winter_year + 1, 2, 28)),
        budget: "3000000".into(),
        amount: Some("500".into()),
        goods: Some("米、油、棉被".into()),
        ..Default::default()
    };
    let c = store::campaigns::create(db, admin, &form).await?;
    store::campaigns::build_targets(db, &cal, admin, c.id, today).await?;

    Ok(())
}

/// This year's benefit programmes, joined by employers.
pub(crate) async fn benefits(
    db: &Db,
    admin: &Actor,
    grassroots: &[String],
    seed: u64,
    today: Date,
) -> anyhow::Result<()> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x4245_4e45);
    let year = today.year();
    let date = |y: i32, m: u8, d: u8| Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), d).unwrap();
    let start = date(year, 1, 1);
    for (kind, name, share) in [
        ("mutual_medical", "职工互助医疗保障", 0.8),
        ("two_cancer", "女职工两癌筛查", 0.45),
        ("skills_training", "职工技能提升培训", 0.12),
        ("migrant_education", "农民工求学圆梦行动", 0.06),
    ] {
        let form = store::benefits::BenefitForm {
            kind: kind.into(),
            name: format!("{year} 年{name}"),
            year: year as i64,
            enrol_from: domain::fmt_date(start),
            enrol_to: domain::fmt_date(date(year, 12, 31)),
            ..Default::default()
        };
        let b = store::benefits::create(db, admin, &form).await?;
        for code in grassroots {
            if rng.gen_bool(share) {
                let day = (start + Duration::days(rng.gen_range(0..120))).min(today);
                store::benefits::enrol_union(db, admin, b.id, code, day).await?;
            }
        }
    }
    Ok(())
}
