//! `gonghui demo`: a realistic synthetic 建湖县 federation on the real division codes of
//! 320925 — town and street unions, industry unions, grassroots unions with enterprises
//! (valid 统一社会信用代码), members with valid ID numbers, departments and a login per role.
//! Deterministic for a seed: the same seed gives the same people (ciphertexts differ, since
//! every value gets a fresh nonce).

use anyhow::{Context, bail};
use domain::member::MemberDraft;
use domain::{IdCardNo, ModelWorkerLevel, NewEmploymentForm, OrgPath, PhoneNo, SkillLevel};
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use std::collections::HashSet;
use store::members::BulkMember;
use store::unions::{EnterpriseForm, UnionForm};
use store::{Actor, Db};

const STREETS: &str = include_str!("../data/streets-320925.csv");
const VILLAGES: &str = include_str!("../data/villages-320925.csv");
const JIANGSU_AREAS: &str = include_str!("../data/areas-32.csv");

/// Password of every demo login (printed at the end of `gonghui demo`).
pub const DEMO_PASSWORD: &str = "gonghui-demo";

/// The FAQ the demo publishes, as a benchmark's corpus.
pub use crate::demo_direct::faq_corpus;

pub struct Options {
    pub members: usize,
    /// Work items over the last two years (default in the CLI: a fifth of the members).
    pub items: usize,
    /// 五必 care events over the last year (each with its obligations and payments).
    pub care_events: usize,
    pub seed: u64,
    pub progress: bool,
}

pub struct Report {
    pub unions: usize,
    pub members: usize,
    pub items: usize,
    pub care_events: usize,
    pub payments: usize,
    pub hardship_files: usize,
    pub legal_aid: usize,
    pub disputes: usize,
    pub supervision: usize,
    pub contracts: usize,
    pub questions: usize,
    /// Questions answered and published to the FAQ.
    pub faq: usize,
    pub bulletins: usize,
    /// 五直's front line: network entries, consultations, practices, problems.
    pub front: (usize, usize, usize, usize),
    /// Items past their deadline today, escalated by the first scan.
    pub escalated_today: u64,
    /// (username, role label, scope)
    pub logins: Vec<(String, String, String)>,
}

const SURNAMES: &[(&str, u32)] = &[
    ("王", 90),
    ("陈", 85),
    ("张", 70),
    ("李", 60),
    ("刘", 45),
    ("杨", 35),
    ("徐", 40),
    ("周", 35),
    ("孙", 30),
    ("朱", 30),
    ("吴", 30),
    ("胡", 20),
    ("顾", 15),
    ("蒋", 12),
    ("姜", 10),
    ("唐", 12),
    ("严", 10),
    ("沈", 10),
    ("薛", 10),
    ("潘", 9),
    ("高", 12),
    ("郭", 10),
    ("何", 9),
    ("马", 10),
    ("许", 12),
    ("宋", 8),
    ("葛", 8),
    ("夏", 7),
    ("戴", 7),
    ("柏", 5),
    ("缪", 4),
    ("祁", 4),
    ("仇", 3),
    ("卞", 4),
    ("季", 6),
    ("成", 6),
    ("韦", 4),
    ("吉", 4),
    ("蔡", 8),
    ("邱", 5),
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞",
    "平", "刚", "桂", "英", "华", "建", "国", "文", "红", "玉", "兰", "峰", "辉", "鹏", "斌", "亮", "俊", "燕", "婷",
    "雪", "梅", "晨", "宇", "浩", "欣", "怡", "佳", "子", "轩", "雨", "琳", "海", "林", "春", "冬", "荣", "庆", "志",
    "祥", "成", "凤",
];
const FIRM_WORDS: &[&str] = &[
    "宏达", "恒信", "华泰", "金湖", "九龙", "新阳", "盛丰", "永兴", "汇通", "瑞丰", "鼎盛", "天成", "佳和", "立信",
    "东升", "长江", "苏北", "湖光", "富民", "润泽", "明珠", "正大", "凯达", "通达", "博远", "华宇", "新科", "顺发",
    "兴隆", "远航",
];
/// (industry section, trade words, suffix, weight)
const TRADES: &[(&str, &[&str], u32)] = &[
    ("C", &["机械制造", "电机", "纺织", "服装", "食品", "化工", "汽车配件", "石油机械", "电子", "木业", "新材料"], 50),
    ("E", &["建设工程", "建筑安装", "路桥工程"], 8),
    ("F", &["商贸", "超市", "农资"], 8),
    ("G", &["物流", "运输", "快递"], 6),
    ("H", &["餐饮", "酒店"], 5),
    ("A", &["农业科技", "水产养殖", "种业"], 5),
    ("D", &["供电", "燃气", "自来水"], 2),
    ("Q", &["医院", "卫生院"], 3),
    ("I", &["信息科技", "网络科技"], 3),
    ("O", &["家政服务", "物业"], 3),
];
const OWNERSHIP: &[(&str, u32)] =
    &[("私营", 70), ("股份制", 12), ("国有", 6), ("集体", 5), ("外商投资", 4), ("港澳台投资", 3)];
const OTHER_PROVINCE_AREAS: &[&str] = &[
    "340321", "341221", "341222", "341623", "411424", "411523", "412722", "510921", "522126", "430521", "360721",
    "370829",
];
const INDUSTRY_UNIONS: &[(&str, &str)] = &[
    ("320925-JY", "建湖县教育工会"),
    ("320925-WJ", "建湖县卫生健康工会"),
    ("320925-JS", "建湖县建设工会"),
    ("320925-JT", "建湖县交通运输工会"),
];
const DEPARTMENTS: &[(&str, &str)] = &[
    ("office", "办公室"),
    ("org", "组织部（基层工作部）"),
    ("rights", "权益保障部"),
    ("publicity", "宣教部"),
    ("women", "女职工部"),
    ("audit", "经费审查委员会办公室"),
    ("economy", "经济技术部"),
    ("service", "职工服务中心（帮扶中心）"),
];

fn weighted<'a, T>(rng: &mut StdRng, items: &'a [(T, u32)]) -> &'a T {
    let total: u32 = items.iter().map(|i| i.1).sum();
    let mut pick = rng.gen_range(0..total);
    for (item, w) in items {
        if pick < *w {
            return item;
        }
        pick -= w;
    }
    &items[0].0
}

struct Town {
    code: String,
    name: String,
    villages: Vec<String>,
}

fn towns() -> Vec<Town> {
    let villages: Vec<(String, String)> = VILLAGES
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            Some((f.get(2)?.to_string(), f.get(1)?.trim_matches('"').to_string()))
        })
        .collect();
    STREETS
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let code = f.first()?.to_string();
            let name = f.get(1)?.trim_matches('"').to_string();
            let v = villages.iter().filter(|(s, _)| *s == code).map(|(_, n)| n.clone()).collect();
            Some(Town { code, name, villages: v })
        })
        .collect()
}

pub(crate) fn person_name(rng: &mut StdRng) -> String {
    let mut s = weighted(rng, SURNAMES).to_string();
    let n = if rng.gen_bool(0.7) { 2 } else { 1 };
    for _ in 0..n {
        s.push_str(GIVEN.choose(rng).unwrap());
    }
    s
}

fn credit_code(rng: &mut StdRng) -> String {
    const ORG: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let body: String = (0..8).map(|_| ORG[rng.gen_range(0..ORG.len())] as char).collect();
    // The GB 11714 check may be X or a digit; both are in the GB 32100 alphabet.
    let org_check = domain::credit_code::org_code_check(&body).unwrap_or('0');
    let first17 = format!("91320925{body}{org_check}");
    let check = domain::credit_code::check_char(&first17).expect("alphabet only");
    format!("{first17}{check}")
}

struct People {
    rng: StdRng,
    seen: HashSet<String>,
    jiangsu: Vec<String>,
    today: time::Date,
}

impl People {
    fn id_card(&mut self, migrant: bool) -> IdCardNo {
        loop {
            let area = match self.rng.gen_range(0..100) {
                _ if migrant && self.rng.gen_bool(0.55) => {
                    OTHER_PROVINCE_AREAS.choose(&mut self.rng).unwrap().to_string()
                }
                0..=64 => "320925".to_string(),
                65..=94 => self.jiangsu.choose(&mut self.rng).unwrap().clone(),
                _ => OTHER_PROVINCE_AREAS.choose(&mut self.rng).unwrap().to_string(),
            };
            // Working age: 18 to 65, more in the middle.
            let age_days = (18.0 + 47.0 * (self.rng.r#gen::<f64>() + self.rng.r#gen::<f64>()) / 2.0) * 365.25;
            let birth = self.today - time::Duration::days(age_days as i64);
            let seq = self.rng.gen_range(0..1000);
            let body = format!("{area}{:04}{:02}{:02}{seq:03}", birth.year(), birth.month() as u8, birth.day());
            let id = format!("{body}{}", domain::idcard::check_char(body.as_bytes()) as char);
            if self.seen.insert(id.clone()) {
                return IdCardNo::parse(&id).expect("generated with its check character");
            }
        }
    }

    fn member(&mut self, employer: &str, founded: time::Date) -> MemberDraft {
        let migrant = self.rng.gen_bool(0.25);
        let id_card = self.id_card(migrant);
        let rng = &mut self.rng;
        let new_form = if rng.gen_bool(0.03) {
            *[
                NewEmploymentForm::Rider,
                NewEmploymentForm::Courier,
                NewEmploymentForm::TruckDriver,
                NewEmploymentForm::RideHailing,
                NewEmploymentForm::Domestic,
            ]
            .choose(rng)
            .unwrap()
        } else {
            NewEmploymentForm::None
        };
        let skill_level = *weighted(
            rng,
            &[
                (SkillLevel::None, 45),
                (SkillLevel::Junior, 22),
                (SkillLevel::Intermediate, 18),
                (SkillLevel::Senior, 10),
                (SkillLevel::Technician, 4),
                (SkillLevel::SeniorTechnician, 1),
            ],
        );
        let model_worker = if rng.gen_bool(0.003) {
            *weighted(
                rng,
                &[
                    (ModelWorkerLevel::County, 60),
                    (ModelWorkerLevel::Municipal, 28),
                    (ModelWorkerLevel::Provincial, 10),
                    (ModelWorkerLevel::National, 2),
                ],
            )
        } else {
            ModelWorkerLevel::None
        };
        let adult = id_card.birth_date() + time::Duration::days(18 * 366);
        let start = adult.max(founded);
        let span = (self.today - start).whole_days().max(1);
        let joined_on = Some(start + time::Duration::days(rng.gen_range(0..span)));
        let prefix = [
            "139", "138", "137", "136", "135", "150", "151", "152", "157", "158", "159", "182", "187", "188", "177",
            "180", "189", "133", "153",
        ];
        let phone = format!("{}{:08}", prefix.choose(rng).unwrap(), rng.gen_range(0..100_000_000));
        let job = [
            "操作工",
            "装配工",
            "技术员",
            "质检员",
            "仓管员",
            "电工",
            "焊工",
            "司机",
            "销售",
            "会计",
            "文员",
            "班组长",
            "车间主任",
            "工程师",
        ];
        MemberDraft {
            name: person_name(rng),
            id_card,
            phone: rng.gen_bool(0.93).then(|| PhoneNo::parse(&phone).expect("valid prefix")),
            employer: Some(employer.to_string()),
            job: Some(job.choose(rng).unwrap().to_string()),
            skill_level,
            migrant,
            new_form,
            model_worker,
            joined_on,
        }
    }
}

struct Grassroots {
    id: i64,
    code: String,
    path: String,
    employer: String,
    founded: time::Date,
}

pub async fn run(db: &Db, opts: &Options) -> anyhow::Result<Report> {
    if store::unions::root(db).await?.is_some() {
        bail!("数据库中已有组织数据：demo 只能写入空数据库（换一个 --database 或 data 目录）");
    }
    let started = std::time::Instant::now();
    let mut rng = StdRng::seed_from_u64(opts.seed);
    let today = time::OffsetDateTime::now_utc().date();

    // The federation and its towns.
    let bootstrap = Actor::system(OrgPath::root(0));
    let root = store::unions::create(
        db,
        &bootstrap,
        &UnionForm {
            code: "320925".into(),
            name: "建湖县总工会".into(),
            level: "federation".into(),
            division_code: Some("320925".into()),
            address: Some("建湖县近湖街道".into()),
            founded_on: Some("1950-05-01".into()),
            chair: Some(person_name(&mut rng)),
            ..Default::default()
        },
    )
    .await?;
    let admin = Actor::system(root.org_path());
    let towns = towns();
    let mut parents = Vec::new();
    for t in &towns {
        let form = UnionForm {
            code: t.code.clone(),
            name: format!("{}总工会", t.name),
            level: "town".into(),
            parent_code: Some(root.code.clone()),
            division_code: Some(t.code.clone()),
            address: Some(format!("建湖县{}", t.name)),
            founded_on: Some(format!("{}-0{}-01", rng.gen_range(1952..1990), rng.gen_range(1..10))),
            chair: Some(person_name(&mut rng)),
        };
        let u = store::unions::create(db, &admin, &form).await?;
        parents.push((u, t.villages.clone(), t.name.clone()));
    }
    for (code, name) in INDUSTRY_UNIONS {
        let form = UnionForm {
            code: code.to_string(),
            name: name.to_string(),
            level: "industry".into(),
            parent_code: Some(root.code.clone()),
            division_code: Some("320925".into()),
            founded_on: Some(format!("{}-05-01", rng.gen_range(1980..2005))),
            chair: Some(person_name(&mut rng)),
            ..Default::default()
        };
        let u = store::unions::create(db, &admin, &form).await?;
        parents.push((u, Vec::new(), "县直".into()));
    }

    // Grassroots unions, each covering one enterprise.
    let n_grassroots = (opts.members / 80).clamp(40, 2500);
    let unions_bar = progress_bar(opts.progress, n_grassroots as u64, "基层工会");
    let mut grassroots = Vec::with_capacity(n_grassroots);
    let mut firm_names = HashSet::new();
    for i in 0..n_grassroots {
        let (parent, villages, town_name) = if rng.gen_bool(0.9) {
            &parents[i % towns.len()]
        } else {
            &parents[towns.len() + i % INDUSTRY_UNIONS.len()]
        };
        let (section, trades) =
            weighted(&mut rng, &TRADES.iter().map(|(s, t, w)| ((*s, *t), *w)).collect::<Vec<_>>()).to_owned();
        let firm = loop {
            let name =
                format!("建湖县{}{}有限公司", FIRM_WORDS.choose(&mut rng).unwrap(), trades.choose(&mut rng).unwrap());
            let name = if firm_names.contains(&name) { format!("{}（{}）", name, town_name) } else { name };
            if firm_names.insert(name.clone()) {
                break name;
            }
            if firm_names.len() > 100_000 {
                break format!("建湖县第{i}实业有限公司");
            }
        };
        let founded = time::Date::from_calendar_date(rng.gen_range(1995..2024), time::Month::June, 1).unwrap();
        let form = UnionForm {
            code: format!("{}-{:04}", parent.code, i + 1),
            name: format!("{firm}工会委员会"),
            level: "grassroots".into(),
            parent_code: Some(parent.code.clone()),
            division_code: parent.division_code.clone(),
            address: villages.choose(&mut rng).map(|v| format!("建湖县{town_name}{v}")),
            founded_on: Some(domain::fmt_date(founded)),
            chair: Some(person_name(&mut rng)),
        };
        let u = store::unions::create(db, &admin, &form).await?;
        let ent = EnterpriseForm {
            name: firm.clone(),
            credit_code: Some(credit_code(&mut rng)),
            industry: Some(section.to_string()),
            headcount: 0,
            ownership: Some(weighted(&mut rng, OWNERSHIP).to_string()),
        };
        let e = store::unions::add_enterprise(db, &admin, &u.code, &ent).await?;
        grassroots
            .push((Grassroots { id: u.id, code: u.code.clone(), path: u.path.clone(), employer: firm, founded }, e.id));
        unions_bar.inc(1);
    }
    unions_bar.finish_and_clear();

    tracing::info!(unions = grassroots.len(), elapsed = ?started.elapsed(), "demo: unions created");
    // Sizes: a few large employers, many small ones.
    let weights: Vec<f64> = (0..grassroots.len()).map(|_| rng.r#gen::<f64>().max(0.02).powf(-0.9)).collect();
    let sum: f64 = weights.iter().sum();
    let mut sizes: Vec<usize> = weights.iter().map(|w| (w / sum * opts.members as f64).floor() as usize).collect();
    let short = opts.members - sizes.iter().sum::<usize>();
    for i in 0..short {
        let k = i % sizes.len();
        sizes[k] += 1;
    }

    let today_cn = time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+8)).date();
    let bars = indicatif::MultiProgress::new();
    // Two years of work items, from the grassroots unions in proportion to their size: written
    // in bulk and touching no member, so on PostgreSQL beside the members' load (whose COPY
    // leaves a core half idle), on SQLite after it.
    let sources: Vec<crate::demo_history::Source> = grassroots
        .iter()
        .zip(&sizes)
        .map(|((g, _), n)| crate::demo_history::Source { id: g.id, path: g.path.clone(), weight: *n as f64 })
        .collect();
    let history = async {
        let bar = bars.add(progress_bar(opts.progress, opts.items as u64, "事项"));
        let items = crate::demo_history::generate(
            db,
            (root.id, root.path.clone()),
            &sources,
            opts.items,
            opts.seed,
            today_cn,
            &mut person_name,
            &bar,
        )
        .await?;
        bar.finish_and_clear();
        tracing::info!(items, elapsed = ?started.elapsed(), "demo: work items");
        anyhow::Ok(items)
    };
    let members = async {
        // Members, in batches, while the bar shows rows per second.
        let jiangsu: Vec<String> = JIANGSU_AREAS
            .lines()
            .skip(1)
            .filter(|l| !l.contains("市辖区"))
            .filter_map(|l| l.split(',').next().map(String::from))
            .collect();
        let people = People {
            rng: StdRng::seed_from_u64(opts.seed ^ 0x9e37_79b9),
            seen: HashSet::with_capacity(opts.members),
            jiangsu,
            today,
        };
        // Every person is new (`People::seen`, and the database was empty): the ID-hash index is
        // built once after the load too, instead of kept up in random hash order.
        let load = store::bulk::begin_load(db, true).await?;
        let bar = progress_bar(opts.progress, opts.members as u64, "会员");
        // People are made and their ID numbers sealed on one thread while the database writes
        // the previous batch on another.
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<BulkMember>>(2);
        let plan: Vec<(i64, String, String, time::Date, usize)> = grassroots
            .iter()
            .zip(&sizes)
            .map(|((g, _), n)| (g.id, g.path.clone(), g.employer.clone(), g.founded, *n))
            .collect();
        let maker_db = db.clone();
        let maker = std::thread::spawn(move || {
            const BATCH: usize = 10_000;
            let mut people = people;
            let mut batch = Vec::with_capacity(BATCH);
            for (id, path, employer, founded, n) in plan {
                for _ in 0..n {
                    let draft = people.member(&employer, founded);
                    batch.push(BulkMember::new(maker_db.vault(), id, path.clone(), draft));
                    if batch.len() == BATCH
                        && tx.blocking_send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH))).is_err()
                    {
                        return;
                    }
                }
            }
            let _ = tx.blocking_send(batch);
        });
        let mut writer = store::bulk::BulkWriter::open(db, Some(&load)).await.context("写入会员")?;
        while let Some(batch) = rx.recv().await {
            let n = batch.len() as u64;
            writer.write(batch, Default::default()).await.context("写入会员")?;
            bar.inc(n);
        }
        drop(writer);
        maker.join().map_err(|_| anyhow::anyhow!("demo generator thread failed"))?;
        bar.finish_and_clear();
        tracing::info!(members = opts.members, elapsed = ?started.elapsed(), "demo: members written");
        store::bulk::end_load(db, load).await?;
        tracing::info!(elapsed = ?started.elapsed(), "demo: indexes built");
        store::unions::recount(db).await?;
        // Headcount: members plus the workers who have not joined (入会率 about 85–95%).
        for ((_, enterprise_id), size) in grassroots.iter().zip(&sizes) {
            let headcount = (*size as f64 * rng.gen_range(1.05..1.18)).round() as i64;
            store::unions::set_headcount(db, *enterprise_id, headcount).await?;
        }

        tracing::info!(elapsed = ?started.elapsed(), "demo: counts and headcounts");
        anyhow::Ok(())
    };
    let side_by_side = db.backend() == store::Backend::Postgres;
    let items = if side_by_side {
        tokio::try_join!(members, history)?.1
    } else {
        members.await?;
        history.await?
    };
    // From here the mechanisms' records are written statement by statement. On SQLite each
    // statement is a hand-off to its worker thread: on one CPU (see `affinity`). On PostgreSQL
    // each is a round trip: the mechanisms' generators run side by side — the two that pay people
    // (care and the hardship files) each hold a batch's people from its start
    // (`ledger::hold_people`), the others write rows of their own, and the figures are taken in
    // key order at each commit.
    let _one_cpu = (!side_by_side).then(crate::affinity::one_cpu);
    let logins = demo_users(db, &admin, &parents, &grassroots.iter().map(|g| &g.0).collect::<Vec<_>>()).await?;
    let recorder = Actor { username: "演示数据".into(), name: "演示数据".into(), ..admin.clone() };
    let codes: Vec<String> = grassroots.iter().map(|g| g.0.code.clone()).collect();

    // A year of care, through the store.
    let care = async {
        let bar = bars.add(progress_bar(opts.progress, opts.care_events as u64, "关爱事件"));
        let care = crate::demo_care::generate(db, &recorder, opts.care_events, opts.seed, today_cn, &bar).await?;
        bar.finish_and_clear();
        tracing::info!(events = care.events, elapsed = ?started.elapsed(), "demo: care");
        anyhow::Ok(care)
    };
    // Hardship files, then the campaigns whose lists are made from them among others.
    let programmes = async {
        let files = if opts.care_events == 0 { 0 } else { (opts.members / 400).max(10) };
        let bar = bars.add(progress_bar(opts.progress, files as u64, "困难职工档案"));
        let filed = crate::demo_care::hardship_files(db, &recorder, files, opts.seed, today_cn, &bar).await?;
        bar.finish_and_clear();
        tracing::info!(filed, elapsed = ?started.elapsed(), "demo: hardship files");
        crate::demo_care::campaigns(db, &recorder, &root.code, &codes, opts.seed, today_cn).await?;
        tracing::info!(elapsed = ?started.elapsed(), "demo: campaigns");
        anyhow::Ok(filed)
    };
    let legal = async {
        let aid_cases = if opts.care_events == 0 { 0 } else { (opts.members / 250).clamp(24, 2000) };
        let legal_aid = crate::demo_legal::generate(db, &recorder, aid_cases, opts.seed, today_cn).await?;
        let disputes = crate::demo_legal::disputes(db, &recorder, aid_cases, opts.seed, today_cn).await?;
        let employers: Vec<i64> = grassroots.iter().map(|g| g.1).collect();
        let (mut supervision, mut contracts, mut publicity) = (0, 0, 0);
        if opts.care_events > 0 {
            supervision = crate::demo_legal::supervision(db, &recorder, &employers, opts.seed, today_cn).await?;
            contracts = crate::demo_legal::contracts(db, &recorder, &employers, opts.seed, today_cn).await?;
            publicity = crate::demo_legal::awareness(db, &recorder, &codes, opts.seed, today_cn).await?;
        }
        tracing::info!(legal_aid, disputes, supervision, contracts, publicity, elapsed = ?started.elapsed(), "demo: legal work");
        anyhow::Ok((legal_aid, disputes, supervision, contracts))
    };
    // Towns and industry unions with grassroots unions under them, to send bulletins to.
    let towns: Vec<String> = parents
        .iter()
        .filter(|p| grassroots.iter().any(|g| g.0.path.starts_with(p.0.path.as_str())))
        .map(|p| p.0.code.clone())
        .collect();
    let channels = async {
        // A county of 3 000 members or more asks 2 400 questions a year (some 2 200 in the FAQ).
        let questions = (opts.members * 4 / 5).clamp(40, 2400);
        let direct = if opts.care_events == 0 {
            crate::demo_direct::DirectReport { questions: 0, published: 0, bulletins: 0 }
        } else {
            crate::demo_direct::generate(db, &recorder, questions, &towns, grassroots.len(), opts.seed, today_cn)
                .await?
        };
        tracing::info!(questions = direct.questions, faq = direct.published, bulletins = direct.bulletins, elapsed = ?started.elapsed(), "demo: direct channels");
        let front = if opts.care_events == 0 {
            crate::demo_front::FrontReport { entries: 0, consultations: 0, practices: 0, problems: 0 }
        } else {
            let units: Vec<crate::demo_front::Unit> =
                grassroots.iter().map(|(g, _)| (g.code.clone(), g.path.clone(), g.employer.clone())).collect();
            crate::demo_front::generate(db, &recorder, &units, &towns, opts.members, opts.seed, today_cn).await?
        };
        tracing::info!(entries = front.entries, consultations = front.consultations, practices = front.practices, problems = front.problems, elapsed = ?started.elapsed(), "demo: front line");
        crate::demo_care::benefits(db, &recorder, &codes, opts.seed, today_cn).await?;
        tracing::info!(elapsed = ?started.elapsed(), "demo: benefits");
        anyhow::Ok((direct, front))
    };
    let (care, hardship_files, (legal_aid, disputes, supervision, contracts), (direct, front)) = if side_by_side {
        tokio::try_join!(care, programmes, legal, channels)?
    } else {
        (care.await?, programmes.await?, legal.await?, channels.await?)
    };
    // Today's scan over every line's items, as the background job would have run it this morning.
    let cal = store::calendar::load(db).await?;
    let escalated_today = store::work::scan(db, &cal, today_cn, &|| false).await?.escalated;
    tracing::info!(escalated_today, elapsed = ?started.elapsed(), "demo: today's scan");
    member_asks(db, &cal, today_cn).await?;
    store::members::refresh_all_statistics(db).await?;
    Ok(Report {
        unions: 1 + parents.len() + grassroots.len(),
        members: opts.members,
        items,
        care_events: care.events,
        payments: care.payments,
        hardship_files,
        legal_aid,
        disputes,
        supervision,
        contracts,
        questions: direct.questions,
        faq: direct.published,
        bulletins: direct.bulletins,
        front: (front.entries, front.consultations, front.practices, front.problems),
        escalated_today,
        logins,
    })
}

/// The mechanisms' history goes through the store's own steps (`x_within`), this many records
/// to a transaction: without a commit (and a page of writes to the log) for each.
pub(crate) const TX_BATCH: usize = 200;

/// Commits the loader's transaction after every `TX_BATCH` records (`n` counts them from 0) and
/// opens the next; otherwise hands it back.
pub(crate) async fn next_batch(db: &Db, tx: store::Tx, n: usize) -> anyhow::Result<store::Tx> {
    if n == 0 || !n.is_multiple_of(TX_BATCH) {
        return Ok(tx);
    }
    tx.commit().await?;
    Ok(db.write_tx().await?)
}

/// Today's work of the demo member and their union's cadre, raised and handled through the
/// store as they would through the pages: one policy question waiting at the county's 办公室,
/// and one need the cadre answered, waiting for the member's rating.
async fn member_asks(db: &Db, cal: &domain::Calendar, today: time::Date) -> anyhow::Result<()> {
    let users = store::users::list(db).await?;
    let (Some(member_user), Some(cadre_user)) =
        (users.iter().find(|u| u.username == "member"), users.iter().find(|u| u.username == "jiceng"))
    else {
        return Ok(()); // a demo too small for these accounts
    };
    let member = store::users::actor_of(db, member_user, None).await?.context("demo member")?;
    let cadre = store::users::actor_of(db, cadre_user, None).await?.context("demo cadre")?;
    let ask = |kind: &str, title: &str, body: &str| store::work::NewItem {
        kind: kind.into(),
        title: title.into(),
        body: Some(body.into()),
        ..Default::default()
    };
    let question = store::direct::questions::NewQuestion {
        category: "other".into(),
        title: "孩子上学能申请工会助学吗".into(),
        body: "家里今年有困难，孩子考上大学，想了解金秋助学的条件。".into(),
    };
    store::direct::questions::ask(db, cal, &member, &question, today).await?;
    let need = store::work::create(
        db,
        cal,
        &member,
        &ask("need", "仓库没有空调，夏天太热", "仓库下午温度超过 35 度，希望加装空调或风扇。"),
        today,
    )
    .await?;
    let member_union = store::members::get(db, &member, member_user.member_id.unwrap_or(0)).await?.union_id;
    if cadre_user.union_id != Some(member_union) {
        return Ok(()); // the cadre is not of the member's union in this demo
    }
    let act = |action: &str, result: Option<&str>| store::work::ActionForm {
        action: action.into(),
        result: result.map(String::from),
        ..Default::default()
    };
    store::work::act(db, cal, &cadre, need.item.id, &act("accept", None), today).await?;
    let done = "已与企业协商，仓库加装两台工业风扇，下月安装空调。";
    store::work::act(db, cal, &cadre, need.item.id, &act("resolve", Some(done)), today).await?;
    Ok(())
}

/// The demo's county staff, one per department.
const DEPARTMENT_STAFF: &[&str] = &["孙伟", "钱芳", "吴强", "郑丽", "冯军", "褚静", "卫东", "蒋涛"];

async fn demo_users(
    db: &Db,
    admin: &Actor,
    parents: &[(store::unions::Union, Vec<String>, String)],
    grassroots: &[&Grassroots],
) -> anyhow::Result<Vec<(String, String, String)>> {
    use store::users::NewUser;
    let mut out = Vec::new();
    let mut add = async |username: &str,
                         real_name: &str,
                         role: &str,
                         union: Option<&store::unions::Union>,
                         department: Option<&str>,
                         member_id: Option<i64>|
           -> anyhow::Result<()> {
        let u = NewUser {
            username: username.into(),
            name: real_name.into(),
            password: DEMO_PASSWORD.into(),
            role: role.into(),
            union_code: union.map(|u| u.code.clone()),
            department: department.map(String::from),
            member_id,
        };
        store::users::create(db, admin, &u).await?;
        let scope = match (union, department) {
            (Some(u), _) => u.name.clone(),
            (None, Some(d)) => format!("{d}（全县）"),
            _ if member_id.is_some() => "本人记录".into(),
            _ => "全县".into(),
        };
        out.push((
            username.to_string(),
            domain::Role::parse(role).map(|r| r.label()).unwrap_or(role).to_string(),
            scope,
        ));
        Ok(())
    };
    add("admin", "周明", "county-admin", None, None, None).await?;
    add("leader", "陈立华", "leader", None, None, None).await?;
    for ((key, name), person) in DEPARTMENTS.iter().zip(DEPARTMENT_STAFF.iter().cycle()) {
        add(&format!("dept-{key}"), person, "department", None, Some(name), None).await?;
    }
    let jianyang = parents.iter().find(|p| p.0.code == "320925101").map(|p| &p.0).unwrap_or(&parents[0].0);
    let jiulongkou = parents.iter().find(|p| p.0.code == "320925102").map(|p| &p.0).unwrap_or(&parents[1].0);
    add("jianyang", "李红", "cadre", Some(jianyang), None, None).await?;
    add("jiulongkou", "王海", "cadre", Some(jiulongkou), None, None).await?;
    let first_in_jianyang = grassroots.iter().find(|g| g.path.starts_with(jianyang.path.as_str())).copied();
    if let Some(g) = first_in_jianyang {
        let union = store::unions::by_id(db, g.id).await?;
        add("jiceng", "赵敏", "cadre", Some(&union), None, None).await?;
        let member_id = store::members::first_in_union(db, g.id).await?;
        if let Some(mid) = member_id {
            add("member", "", "member", None, None, Some(mid)).await?;
        }
    }
    Ok(out)
}

/// A bar with rate and time left; with no known length (a streamed file), a counter with rate.
pub(crate) fn progress_bar(show: bool, len: u64, what: &str) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let b = if len == 0 {
        let b = ProgressBar::new_spinner();
        b.set_style(
            ProgressStyle::with_template("{spinner} {msg} {pos} 行 {per_sec} 已用 {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        b
    } else {
        ProgressBar::new(len).with_style(bar_style())
    };
    b.set_message(what.to_string());
    b
}

/// Rows done of the total, rows/s and the time left.
pub(crate) fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {per_sec} 剩余 {eta}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}
