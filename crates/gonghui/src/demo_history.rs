//! The demo county's last two years of work items: needs, questions, care, rights cases and
//! tasks raised across the grassroots unions, most closed in time, some late and escalated,
//! some still open, most rated. Generated whole, written on the fast lane, figures recounted,
//! then today's deadline scan runs as it would have.

use domain::work::{self, Priority, WorkKind};
use domain::{Calendar, OrgPath, fmt_date};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;
use store::Db;
use store::work::{HistoryEvent, HistoryItem};
use time::Date;

/// A union items can come from, with its weight (members) and the union above it.
pub(crate) struct Source {
    pub id: i64,
    pub path: String,
    pub weight: f64,
}

/// The kinds the history holds, how often, what they are about and how they end.
struct Mix {
    kind: &'static WorkKind,
    weight: u32,
    titles: &'static [&'static str],
    result: &'static str,
}

const KIND_MIX: &[Mix] = &[
    Mix {
        kind: &work::NEED,
        weight: 30,
        titles: &[
            "车间高温，申请防暑降温用品",
            "食堂就餐排队时间长",
            "宿舍热水供应不足",
            "厂区夜班通勤缺少班车",
            "希望增设职工子女暑托班",
            "更衣室缺少储物柜",
            "申请职工书屋添置新书",
            "户外作业点缺少休息场所",
        ],
        result: "已协调企业落实，职工反馈问题解决",
    },
    Mix {
        kind: &work::CARE,
        weight: 25,
        titles: &[
            "住院慰问",
            "新婚祝贺",
            "生育慰问",
            "困难职工走访",
            "劳模节日走访",
            "大病救助申请",
            "直系亲属去世慰问",
        ],
        result: "已上门走访，送去慰问品和慰问金",
    },
    Mix {
        kind: &work::CONSULTATION,
        weight: 5,
        titles: &["征求对职工代表大会提案的意见", "产业工人队伍建设改革问卷", "技能竞赛项目设置意见征集"],
        result: "已汇总意见，提交县总工会研究",
    },
    Mix {
        kind: &work::RIGHTS_CASE,
        weight: 8,
        titles: &["拖欠加班费", "未签订劳动合同", "未缴纳社会保险", "违法解除劳动合同", "工伤待遇争议"],
        result: "经调解，企业已依法补发并签订协议",
    },
    Mix {
        kind: &work::RESEARCH_FINDING,
        weight: 4,
        titles: &["新就业形态劳动者入会难", "中小企业职工技能提升渠道少", "园区职工通勤难"],
        result: "已协调企业落实，职工反馈问题解决",
    },
    Mix {
        kind: &work::ASSIST_TASK,
        weight: 5,
        titles: &["组织劳动和技能竞赛", "开展职工技能培训", "举办专场招聘会", "助推乡村振兴项目对接"],
        result: "已协调企业落实，职工反馈问题解决",
    },
    Mix {
        kind: &work::BUILDING_TASK,
        weight: 5,
        titles: &["职工之家星级创建", "职工书屋建设", "爱心驿站设施更新", "工会干部培训"],
        result: "已协调企业落实，职工反馈问题解决",
    },
];

fn pick(rng: &mut StdRng) -> &'static Mix {
    let total: u32 = KIND_MIX.iter().map(|m| m.weight).sum();
    let mut n = rng.gen_range(0..total);
    for m in KIND_MIX {
        if n < m.weight {
            return m;
        }
        n -= m.weight;
    }
    &KIND_MIX[0]
}

fn unix(d: Date, secs: i64) -> i64 {
    d.midnight().assume_offset(time::macros::offset!(+8)).unix_timestamp() + secs
}

/// The union above `path` (its parent's id and path), or itself at the top.
fn parent(path: &str) -> (i64, String) {
    let p = OrgPath::parse(path).expect("demo paths are valid");
    let ids = p.ids();
    if ids.len() < 2 {
        return (ids[0], path.to_string());
    }
    let parent_ids = &ids[..ids.len() - 1];
    let parent_path = format!("/{}/", parent_ids.iter().map(|i| i.to_string()).collect::<Vec<_>>().join("/"));
    (parent_ids[parent_ids.len() - 1], parent_path)
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn generate(
    db: &Db,
    root: (i64, String),
    sources: &[Source],
    n: usize,
    seed: u64,
    today: Date,
    name: &mut (dyn FnMut(&mut StdRng) -> String + Send),
    bar: &indicatif::ProgressBar,
) -> anyhow::Result<usize> {
    if n == 0 || sources.is_empty() {
        return Ok(0);
    }
    let cal = store::calendar::load(db).await?;
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed_1234);
    let mut departments: HashMap<&'static str, i64> = HashMap::new();
    for k in work::KINDS {
        if let Some(d) = k.department {
            departments.insert(d, store::users::department_id(db, d).await?);
        }
    }
    // Cumulative weights to pick a source by its size.
    let mut cumulative = Vec::with_capacity(sources.len());
    let mut total = 0.0;
    for s in sources {
        total += s.weight.max(1.0);
        cumulative.push(total);
    }
    let start = today - time::Duration::days(730);
    const BATCH: usize = 50_000;
    let mut batch = Vec::with_capacity(BATCH.min(n));
    let mut load = store::work::HistoryLoad::new();
    for _ in 0..n {
        let u: f64 = rng.r#gen::<f64>() * total;
        let src = &sources[cumulative.partition_point(|c| *c < u).min(sources.len() - 1)];
        batch.push(one(&mut rng, &cal, src, &root, &departments, start, today, name));
        if batch.len() == BATCH {
            load.write(db, std::mem::take(&mut batch)).await?;
            bar.inc(BATCH as u64);
        }
    }
    let rest = batch.len() as u64;
    load.write(db, batch).await?;
    bar.inc(rest);
    load.count(db).await?;
    Ok(n)
}

#[allow(clippy::too_many_arguments)]
fn one(
    rng: &mut StdRng,
    cal: &Calendar,
    src: &Source,
    root: &(i64, String),
    departments: &HashMap<&'static str, i64>,
    start: Date,
    today: Date,
    name: &mut (dyn FnMut(&mut StdRng) -> String + Send),
) -> HistoryItem {
    let mix = pick(rng);
    let kind: &WorkKind = mix.kind;
    let priority = if rng.gen_bool(0.1) { Priority::Urgent } else { Priority::Normal };
    let sla = kind.sla(priority);
    // More items lately: the platform is used more as it settles in.
    let span = (today - start).whole_days();
    let back = (span as f64 * (1.0 - rng.r#gen::<f64>().sqrt())) as i64;
    let mut received = today - time::Duration::days(back);
    while !cal.is_working_day(received) && received < today {
        received = received.next_day().unwrap_or(received);
    }
    // 15% are the town's own; a quarter go straight to a county department.
    let (origin_id, origin_path) = if rng.gen_bool(0.15) { parent(&src.path) } else { (src.id, src.path.clone()) };
    let department = kind.department.filter(|_| rng.gen_bool(0.25)).and_then(|d| departments.get(d).copied());
    let (owner_id, owner_path) = match department {
        Some(_) => root.clone(),
        None => (origin_id, origin_path.clone()),
    };
    let respond_due = cal.add_working_days(received, sla.respond_days);
    let due = cal.add_working_days(received, sla.close_days);
    let staff = "经办人".to_string();
    let at = unix(received, rng.gen_range(8 * 3600..18 * 3600));
    let title = mix.titles.choose(rng).copied().unwrap_or("事项").to_string();
    let mut item = HistoryItem {
        kind: kind.code,
        title: title.clone(),
        priority: priority.code(),
        status: "in_progress",
        requester_name: name(rng),
        origin_union_id: origin_id,
        origin_department_id: department.unwrap_or(0),
        path: origin_path.clone(),
        owner_union_id: owner_id,
        owner_department_id: department,
        owner_path,
        received_on: fmt_date(received),
        respond_due: fmt_date(respond_due),
        due: fmt_date(due),
        created_at: at,
        ..HistoryItem::default()
    };
    item.events.push(HistoryEvent {
        action: "create",
        on_date: fmt_date(received),
        at,
        username: staff.clone(),
        note: Some(format!("{}，{} 个工作日内办结（{} 前）", priority.label(), sla.close_days, fmt_date(due))),
        rating: None,
    });
    // 88% in time; the rest late by up to six working days, escalated on the way.
    let late = rng.gen_bool(0.12);
    let planned = if late { sla.close_days + rng.gen_range(1..=6) } else { rng.gen_range(1..=sla.close_days) };
    let closed_on = cal.add_working_days(received, planned);
    let never = rng.gen_bool(0.004);
    if closed_on > today || never {
        // Still open: the scan deals with those past their deadline.
        item.status = if rng.gen_bool(0.05) { "new" } else { "in_progress" };
        if item.status == "in_progress" {
            item.responded_on = Some(fmt_date(cal.add_working_days(received, 1).min(today)));
        }
        return item;
    }
    item.status = "closed";
    item.responded_on = Some(fmt_date(cal.add_working_days(received, 1).min(closed_on)));
    if late {
        item.escalations = 1;
        item.breached = true;
        let (up_id, up_path) = if department.is_some() { root.clone() } else { parent(&origin_path) };
        item.owner_union_id = up_id;
        item.owner_path = up_path;
        if up_id == root.0 && department.is_none() {
            item.owner_department_id = kind.department.and_then(|d| departments.get(d).copied());
        }
        let escalated = cal.add_working_days(due, 1);
        item.events.push(HistoryEvent {
            action: "escalate",
            on_date: fmt_date(escalated),
            at: unix(escalated, 6 * 3600),
            username: "system".into(),
            note: Some(format!("{} 到期未办结，升级至上级督办", fmt_date(due))),
            rating: None,
        });
    }
    let result = mix.result.to_string();
    item.closed_on = Some(fmt_date(closed_on));
    item.close_days = Some(planned as i64);
    item.on_time = Some(!late as i64);
    item.result = Some(result.clone());
    item.events.push(HistoryEvent {
        action: "resolve",
        on_date: fmt_date(closed_on),
        at: unix(closed_on, rng.gen_range(9 * 3600..17 * 3600)),
        username: staff.clone(),
        note: Some(result),
        rating: None,
    });
    if rng.gen_bool(0.72) {
        let rated = cal.add_working_days(closed_on, rng.gen_range(0..=3));
        if rated <= today {
            let rating = *[5, 5, 5, 5, 5, 4, 4, 4, 3, 3].choose(rng).unwrap_or(&5) - if late { 1 } else { 0 };
            rate(rng, &mut item, rated, rating);
            if !work::satisfied(rating) {
                // Unsatisfied: reopened to the level above, which settles it in two days.
                let (up_id, up_path) = parent(&item.owner_path);
                item.owner_union_id = up_id;
                item.owner_path = up_path;
                item.reopened = 1;
                item.events.push(HistoryEvent {
                    action: "reopen",
                    on_date: fmt_date(rated),
                    at: unix(rated, 21 * 3600),
                    username: item.requester_name.clone(),
                    note: Some("评价不满意，转上级复核".into()),
                    rating: None,
                });
                let again = cal.add_working_days(rated, 2);
                item.rating = None;
                item.rated_on = None;
                if again > today {
                    item.status = "new";
                    item.closed_on = None;
                    item.close_days = None;
                    item.on_time = None;
                    item.result = None;
                    item.due = fmt_date(cal.add_working_days(rated, sla.close_days));
                    return item;
                }
                item.closed_on = Some(fmt_date(again));
                item.close_days = Some(cal.working_days_between(received, again));
                item.events.push(HistoryEvent {
                    action: "resolve",
                    on_date: fmt_date(again),
                    at: unix(again, 15 * 3600),
                    username: staff,
                    note: Some("上级复核后再次协调，问题已解决".into()),
                    rating: None,
                });
                if again < today {
                    rate(rng, &mut item, again.next_day().unwrap_or(again), 4);
                }
            }
        }
    }
    item
}

fn rate(rng: &mut StdRng, item: &mut HistoryItem, on: Date, rating: i64) {
    item.rating = Some(rating);
    item.rated_on = Some(fmt_date(on));
    item.events.push(HistoryEvent {
        action: "rate",
        on_date: fmt_date(on),
        at: unix(on, rng.gen_range(9 * 3600..21 * 3600)),
        username: item.requester_name.clone(),
        note: Some(format!("{rating} 分")),
        rating: Some(rating),
    });
}
