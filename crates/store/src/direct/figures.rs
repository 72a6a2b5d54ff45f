//! The five channels' figures for a union's subtree and a period, from the indicator store: each
//! channel's volume and what was done, its rates (按期, 满意度, adoption, confirmation), and the
//! same for each union directly below (drill-down). The loop's own figures for the channels'
//! work kinds (on time, satisfied) are read under the kind's dimension.

use crate::indicators::{self, Dim};
use crate::{Actor, Db, Result};
use domain::direct::{bulletin, consultation, practice, problem, question};
use domain::work::indicators as wi;
use domain::{Capability, Indicator};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use time::Date;

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ChannelQuery {
    /// The union whose subtree is counted (code); default the caller's own.
    pub union: Option<String>,
    /// First month, YYYY-MM (default: eleven months before `to`).
    #[param(value_type = Option<domain::schema::MonthOrEmpty>, inline)]
    pub from: Option<String>,
    /// Last month, YYYY-MM (default: this month).
    #[param(value_type = Option<domain::schema::MonthOrEmpty>, inline)]
    pub to: Option<String>,
}

/// One channel's figures.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ChannelRow {
    /// consultations | bulletins | questions | practices | problems
    pub channel: String,
    pub label: String,
    /// What came in or went out: consultations' answers asked, bulletins' recipients,
    /// questions asked, practices submitted, problems filed.
    pub volume: i64,
    /// Of them, done: answered, confirmed, answered, published, closed.
    pub done: i64,
    /// 按期: answered / confirmed / closed by the deadline, of those done.
    pub on_time_rate: Option<f64>,
    /// 满意度: questions rated 3–5 of rated; problems satisfied at the call-back of those called.
    pub satisfaction_rate: Option<f64>,
    /// Consultations: answers adopted of answers given.
    pub adoption_rate: Option<f64>,
    /// Consultations: answers adopted; practices: times another union adopted one.
    pub adopted: Option<i64>,
    /// Bulletins: receipts confirmed of recipients.
    pub confirm_rate: Option<f64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChildChannels {
    pub code: String,
    pub name: String,
    pub channels: Vec<ChannelRow>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChannelFigures {
    pub union_code: String,
    pub union_name: String,
    pub from: String,
    pub to: String,
    pub channels: Vec<ChannelRow>,
    /// Each union directly below.
    pub children: Vec<ChildChannels>,
}

/// The channels' own indicators, and the loop kinds whose figures they also read.
const OWN: &[Indicator] = domain::direct::INDICATORS;
const KINDS: [&str; 3] = ["policy_question", "direct_problem", "consultation_answer"];

type Sums = HashMap<String, i64>;

fn ratio(a: i64, b: i64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

fn rows(s: &Sums) -> Vec<ChannelRow> {
    let g = |i: &Indicator| s.get(i.code).copied().unwrap_or(0);
    let k = |kind: &str, i: &Indicator| s.get(&format!("{kind}/{}", i.code)).copied().unwrap_or(0);
    let row = |channel: &str, label: &str| ChannelRow { channel: channel.into(), label: label.into(), ..Default::default() };
    let asked = g(&consultation::indicators::ASKED);
    let answered = g(&consultation::indicators::ANSWERED);
    let recipients = g(&bulletin::indicators::RECIPIENTS);
    let confirmed = g(&bulletin::indicators::CONFIRMED);
    let called = g(&problem::indicators::CALLED_BACK);
    vec![
        ChannelRow {
            volume: asked,
            done: answered,
            on_time_rate: ratio(g(&consultation::indicators::ANSWERED_ON_TIME), answered),
            adoption_rate: ratio(g(&consultation::indicators::ADOPTED), answered),
            adopted: Some(g(&consultation::indicators::ADOPTED)),
            ..row("consultations", "寻策问计直到一线")
        },
        ChannelRow {
            volume: recipients,
            done: confirmed,
            on_time_rate: ratio(g(&bulletin::indicators::CONFIRMED_ON_TIME), confirmed),
            confirm_rate: ratio(confirmed, recipients),
            ..row("bulletins", "宣传贯彻直抵基层")
        },
        ChannelRow {
            volume: g(&question::indicators::ASKED),
            done: g(&question::indicators::ANSWERED),
            on_time_rate: ratio(k("policy_question", &wi::ON_TIME), k("policy_question", &wi::CLOSED)),
            satisfaction_rate: ratio(k("policy_question", &wi::SATISFIED), k("policy_question", &wi::RATED)),
            ..row("questions", "政策解答直达主体")
        },
        ChannelRow {
            volume: g(&practice::indicators::SUBMITTED),
            done: g(&practice::indicators::PUBLISHED),
            adopted: Some(g(&practice::indicators::ADOPTED)),
            ..row("practices", "经验做法直接分享")
        },
        ChannelRow {
            volume: g(&problem::indicators::FILED),
            done: k("direct_problem", &wi::CLOSED),
            on_time_rate: ratio(k("direct_problem", &wi::ON_TIME), k("direct_problem", &wi::CLOSED)),
            satisfaction_rate: ratio(g(&problem::indicators::SATISFIED), called),
            ..row("problems", "问题需求直达部门")
        },
    ]
}

/// The channels' figures for a union's subtree (default the caller's own) and months.
pub async fn figures(db: &Db, actor: &Actor, f: &ChannelQuery, today: Date) -> Result<ChannelFigures> {
    actor.require(Capability::StaffWork)?;
    let months = crate::work::period(f.from.as_deref(), f.to.as_deref(), today)?;
    let (first, last) = (months[0].clone(), months[months.len() - 1].clone());
    let mut conn = db.pool().acquire().await?;
    let union = actor.union_or_home(&mut conn, f.union.as_deref()).await?;
    let mut own: Sums = HashMap::new();
    let mut by_child: HashMap<i64, Sums> = HashMap::new();
    for (code, _, _, v) in indicators::of_union(&mut conn, union.id, OWN, Dim::Total, &first, &last).await? {
        *own.entry(code).or_default() += v;
    }
    for (child, code, _, v) in indicators::of_children(&mut conn, union.id, OWN, Dim::Total, &first, &last).await? {
        *by_child.entry(child).or_default().entry(code).or_default() += v;
    }
    for kind in KINDS {
        let dim = domain::indicator::dim("k", kind);
        for (code, _, _, v) in indicators::of_union(&mut conn, union.id, wi::ALL, Dim::Exact(&dim), &first, &last).await? {
            *own.entry(format!("{kind}/{code}")).or_default() += v;
        }
        for (child, code, _, v) in indicators::of_children(&mut conn, union.id, wi::ALL, Dim::Exact(&dim), &first, &last).await? {
            *by_child.entry(child).or_default().entry(format!("{kind}/{code}")).or_default() += v;
        }
    }
    let children_of: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, code, name FROM unions WHERE parent_id = $1 ORDER BY code")
            .bind(union.id)
            .fetch_all(&mut *conn)
            .await?;
    let empty = Sums::new();
    let children = children_of
        .into_iter()
        .map(|(id, code, name)| ChildChannels { code, name, channels: rows(by_child.get(&id).unwrap_or(&empty)) })
        .collect();
    Ok(ChannelFigures { union_code: union.code, union_name: union.name, from: first, to: last, channels: rows(&own), children })
}
