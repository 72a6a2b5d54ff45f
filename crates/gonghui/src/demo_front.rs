//! A year of the demo county's front line (五直 beyond questions and bulletins), through the
//! store as people would take it on the pages: the network (contact points in employers, reform
//! observers among the members — the demo member is one — advisory units, experts and a liaison
//! station in each town) with visits and last year's evaluations; consultations put to it, most
//! answered, some adopted; practices submitted, reviewed, published and adopted; problems filed
//! by members, by phone and at the stations' QR codes, answered, called back and checked.

use crate::demo_direct::member_actor;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use store::direct::{consultations as cs, network as nw, practices as pc, problems as pr};
use store::{Actor, Db};
use time::{Date, Duration};

/// A grassroots union the demo made: (code, path, employer).
pub(crate) type Unit = (String, String, String);

pub(crate) struct FrontReport {
    pub entries: usize,
    pub consultations: usize,
    pub practices: usize,
    pub problems: usize,
}

const CONTACT_TOPICS: &[&str] = &[
    "产业工人技能提升和职业技能等级认定",
    "一线职工工资集体协商",
    "新就业形态劳动者入会和权益保障",
    "职工之家和户外劳动者驿站建设",
    "劳动和技能竞赛、“五小”创新",
    "企业民主管理和厂务公开",
];

const STANDINGS: &[&str] = &["县级劳动模范", "技术能手", "创新能手", "工会积极分子", "一线班组长", "工会小组长"];

const ADVISORY: &[(&str, &str, &str)] = &[
    (
        "江苏建湖正平律师事务所",
        "为职工提供法律咨询、代理劳动争议案件，参与“一函两书”法律审核",
        "法律顾问协议 JH-2025-03",
    ),
    ("盐城工学院继续教育学院", "承办职工学历提升和技能培训，参与技能竞赛命题和评审", "校企合作协议 2025-012"),
    ("建湖县人民医院", "职工健康体检和“两癌”筛查，急救知识进企业", "职工健康服务协议"),
    ("建湖县心理健康服务中心", "职工心理疏导热线、心理健康讲座", "购买服务合同 2026-07"),
];

const EXPERTS: &[(&str, &str, &str)] = &[
    ("周律师", "劳动争议、工伤认定、欠薪追讨", "律师执业证"),
    ("孙调解员", "劳动争议调解、集体协商指导", "人民调解员证"),
    ("吴老师", "职工心理疏导、婚恋家庭关系", "心理咨询师（二级）"),
    ("钱高工", "焊接工艺、技能竞赛命题", "高级技师、省技术能手"),
    ("郑工匠", "数控加工、“五小”创新评审", "全国劳动模范、大国工匠"),
    ("冯会计", "工会经费审查、财务制度", "高级会计师"),
    ("陈医生", "职业病防治、劳动安全卫生", "主任医师"),
    ("褚讲师", "劳动法律法规宣讲", "法学讲师"),
];

const CONSULTATIONS: &[(&str, &str, &str)] = &[
    (
        "一线职工技能提升补贴怎样更快到手",
        "今年职工申领技能提升补贴平均用时 40 多天，不少职工因为材料多、跑腿多而放弃申领。请结合本单位情况谈谈：卡在哪里，工会可以做什么。",
        "写入县总工会与县人社局联合印发的《技能提升补贴申领便民措施》：材料由 5 份减为 2 份，企业工会统一代办。",
    ),
    (
        "新就业形态劳动者最急需工会做什么",
        "快递员、外卖配送员、网约车司机越来越多，他们的诉求与传统职工不同。请结合您接触到的情况，说说他们最急需的三件事。",
        "在各镇快递员之家增设午间就餐点和充电柜，列入明年县总工会为职工办实事项目。",
    ),
    (
        "工资集体协商如何在小微企业推开",
        "小微企业职工人数少、工会力量弱，工资集体协商难以开展。请就区域性、行业性协商的做法提出建议。",
        "在九龙口镇试点餐饮行业区域性工资集体协商，由镇总工会牵头。",
    ),
    (
        "职工之家建设还缺什么",
        "我县已建成一批“职工之家”，但部分使用率不高。请谈谈职工最愿意去什么样的职工之家，现有的阵地还缺什么。",
        "职工之家开放时间调整到下班后和周末，增设亲子阅读区。",
    ),
    (
        "夏季高温作业防护怎样落到实处",
        "每年夏季高温津贴发放和防暑降温措施落实情况参差不齐。请结合本单位实际提出监督建议。",
        "“夏送清凉”前开展高温津贴专项监督，发现未发放的由县总工会发出提示函。",
    ),
    (
        "困难职工帮扶怎样做到精准",
        "困难职工建档审核环节多、周期长，部分临时困难职工得不到及时帮助。请就帮扶的及时性和精准性提出建议。",
        "建立临时困难职工“先救助、后建档”的快速通道，三个工作日内完成审核。",
    ),
];

const ANSWERS: &[&str] = &[
    "我们车间的情况是材料要跑三个部门盖章，建议由企业工会统一收齐后一次性报送，职工只需签字确认。",
    "一线职工最关心的是时间，很多人下班后没空去办，建议开通手机上申请，工会干部帮着核对。",
    "建议把政策做成一张明白纸，贴在车间宣传栏，班组长开班前会讲一讲。",
    "我们单位的经验是工会牵头、人事部门配合，每季度集中办理一次，效果不错。",
    "希望县总工会和相关部门建立定期会商机制，职工反映的问题能有个固定的回音。",
    "小微企业人少，建议以镇为单位统一组织，工会干部上门服务。",
    "可以请劳模工匠带头，现身说法，职工更愿意参加。",
    "建议把经费向一线倾斜，先在几个大企业试点，成熟后再推开。",
];

const PRACTICES: &[(&str, &str, &str, &str)] = &[
    (
        "building",
        "车间“微书屋”让一线职工随手能读书",
        "职工书屋、学习型",
        "在每个车间休息区设微书屋，由班组长轮流管理，每月更新图书 30 册，按月统计借阅人次。一年来职工借阅率从 12% 提高到 65%，带动 40 多名职工参加学历提升。",
    ),
    (
        "rights",
        "工资集体协商“三上三下”工作法",
        "集体协商、工资",
        "协商前三次征求职工意见、三次反馈企业方案，把职工最关心的计件单价、加班工资标准摆上桌面。今年一线职工工资平均增长 6.5%，协商满意率 96%。",
    ),
    (
        "care",
        "困难职工“一户一档一策”动态帮扶",
        "困难帮扶、精准",
        "对建档困难职工逐户走访，建立家庭情况、致困原因、帮扶措施三本台账，每季度回访一次，脱困一户销档一户。全年 23 户实现解困。",
    ),
    (
        "assist",
        "“师带徒”结对促技能提升",
        "技能提升、师带徒、劳模工匠",
        "由劳模、技术能手与新进职工签订师徒协议，明确半年、一年的技能目标，出师考核合格给予师徒双方奖励。两年结对 86 对，32 名徒弟取得中级工证书。",
    ),
    (
        "direct",
        "快递员之家“驿站+联络站”模式",
        "新就业形态、联络站",
        "在快递员之家设信息联络站，站长每周收集快递员诉求，能当场解决的当场解决，不能解决的扫码直报县总工会。半年收集诉求 47 件，办结 45 件。",
    ),
    (
        "building",
        "“职工之家”错时开放",
        "职工之家、服务型",
        "把职工之家开放时间调整到下班后 17:30-21:00 和周末全天，安排志愿者值守，增设亲子阅读区和健身角，月均使用人次从 200 增加到 900。",
    ),
    (
        "research",
        "班前会“五分钟”收集职工诉求",
        "调研、职工诉求",
        "每天班前会留出五分钟由工会小组长收集诉求，当周汇总、当月答复，职工诉求答复率达到 100%，车间流失率下降 8 个百分点。",
    ),
    (
        "rights",
        "女职工“四期”保护专项合同落地",
        "女职工、专项集体合同",
        "在专项集体合同中明确孕期工间休息、哺乳时间、更衣室和母婴室设置，女职工委员会每半年检查一次落实情况。",
    ),
    (
        "assist",
        "“五小”创新成果转化奖励办法",
        "五小、创新、赋能型",
        "企业工会与技术部门联合评审职工“五小”成果，按创效金额的 5% 奖励创新团队。一年收到成果 120 项，创效 300 多万元。",
    ),
    (
        "care",
        "夏季高温岗位“清凉包”精准配送",
        "夏送清凉、户外劳动者",
        "按岗位温度分三档配送防暑用品，高温岗位每天配送绿豆汤，户外劳动者发放清凉包和工作服，当季无一例中暑。",
    ),
    (
        "direct",
        "“书记接待日”面对面听职工心声",
        "直接沟通、接待日",
        "每月第一个周三为工会主席接待日，职工可以面对面反映问题，接待记录当天录入系统转相关部门办理，办理结果一周内回复。",
    ),
    (
        "research",
        "职工满意度年度问卷的做法",
        "问卷、职工状况调查",
        "每年 11 月开展职工满意度问卷，覆盖工资、工时、安全、食堂、宿舍五个方面，结果在职代会上通报，逐项明确整改责任人。",
    ),
];

/// (type, complexity, title, body, answer)
const PROBLEMS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "consult",
        "general",
        "试用期被辞退有没有补偿",
        "入职两个月，公司说试用期不合格让我走，没有任何补偿。",
        "试用期内用人单位解除劳动合同须证明不符合录用条件并说明理由；无法证明的属违法解除，可主张赔偿金。已告知您可申请劳动争议调解，工会可提供法律援助。",
    ),
    (
        "legal",
        "hard",
        "公司拖欠三个月工资",
        "我们车间二十多人，从八月起没发工资，老板说资金紧张。",
        "已会同县人社局劳动保障监察大队约谈企业负责人，企业承诺分两次补发，工会跟踪至全部到账。",
    ),
    (
        "help",
        "general",
        "孩子考上大学学费有困难",
        "家里只有我一个人上班，爱人生病，孩子今年考上大学，学费凑不齐。",
        "已按“金秋助学”政策为您办理助学申请，经审核发放助学金 3000 元，并纳入困难职工帮扶台账。",
    ),
    (
        "complaint",
        "hard",
        "食堂饭菜涨价职工意见大",
        "厂里食堂饭菜涨价三成，质量反而下降，向厂里反映没有回音。",
        "已督促企业工会召开职工代表座谈会，企业承诺恢复原价两个月并引入第三方餐饮，由伙食管理委员会监督。",
    ),
    (
        "suggestion",
        "general",
        "希望职工之家晚上也开放",
        "我们下班都晚上六点以后了，职工之家五点就关门，用不上。",
        "已协调该职工之家调整开放时间至晚上九点，周末全天开放。谢谢您的建议。",
    ),
    (
        "consult",
        "general",
        "加班费怎么算",
        "周末加班单位只安排调休，调休又经常批不下来。",
        "休息日加班不能安排补休的应支付不低于工资 200% 的加班工资；已提醒企业工会督促企业落实调休或支付加班工资。",
    ),
    (
        "help",
        "complex",
        "家中失火需要帮扶",
        "家里老房子失火，一家四口暂住亲戚家，生活困难。",
        "镇总工会当天走访慰问，县总工会启动临时困难救助，发放救助金 5000 元，并协调民政部门临时救助。",
    ),
    (
        "legal",
        "complex",
        "工伤认定单位不配合",
        "上班途中被车撞伤，单位不给出具证明，工伤认定办不下来。",
        "工会法律援助律师已代为提交工伤认定申请，社保部门已受理；用人单位不提供证明的，由其承担举证不能的后果。",
    ),
    (
        "complaint",
        "general",
        "宿舍热水器坏了一个月没人修",
        "厂里宿舍楼热水器坏了一个月，冬天洗澡只能去外面。",
        "已督促企业后勤部门三日内修复，企业工会每月检查一次宿舍设施。",
    ),
    (
        "suggestion",
        "general",
        "快递员希望有个歇脚的地方",
        "送快递一天在外面，想喝口热水、充个电都难。",
        "已在镇快递员之家设置饮水、充电和休息区，并在地图上标注全县 12 个户外劳动者驿站位置。",
    ),
    (
        "consult",
        "general",
        "产假有多少天",
        "我在超市上班，明年生孩子，单位说产假只有 98 天。",
        "国家规定产假 98 天，江苏省另增加生育奖励假 30 天，难产、多胞胎另有增加；已告知您所在单位工会。",
    ),
    (
        "help",
        "general",
        "想参加电工培训",
        "我是保洁员，想学电工，有没有工会组织的免费培训。",
        "县总工会与县人社局联合举办的电工培训班 12 月开班，已为您报名，培训合格可申领技能提升补贴。",
    ),
];

const VISIT_NOTES: &[&str] = &[
    "走访车间，召开一线职工座谈会，听取对技能提升的意见",
    "与企业负责人、工会主席座谈，了解工资集体协商进展",
    "查看职工之家和食堂，职工反映夜班就餐不便，已转企业工会",
    "参加企业职代会，宣讲县总工会改革举措",
];

fn cadre_of(code: &str, path: &str) -> Actor {
    Actor {
        user_id: None,
        username: "演示数据".into(),
        name: format!("{code} 工会干部"),
        role: domain::Role::Cadre,
        scope: domain::Scope::Subtree(
            domain::OrgPath::parse(path).unwrap_or_else(|| domain::OrgPath::parse("/1/").unwrap()),
        ),
        department_id: None,
        ip: None,
    }
}

/// A staff actor of a county department, by name (the demo's `dept-*` users).
async fn department(db: &Db, name: &str) -> anyhow::Result<Option<Actor>> {
    for u in store::users::list(db).await? {
        if u.role == "department" && u.department.as_deref() == Some(name) {
            return Ok(store::users::actor_of(db, &u, None).await?);
        }
    }
    Ok(None)
}

pub(crate) async fn generate(
    db: &Db,
    admin: &Actor,
    units: &[Unit],
    towns: &[String],
    members: usize,
    seed: u64,
    today: Date,
) -> anyhow::Result<FrontReport> {
    let cal = store::calendar::load(db).await?;
    let mut rng = StdRng::seed_from_u64(seed ^ 0x4652_4f4e);
    let Some(root) = store::unions::root(db).await? else {
        return Ok(FrontReport { entries: 0, consultations: 0, practices: 0, problems: 0 });
    };
    let Some((lo, hi)) = store::members::id_range(db).await? else {
        return Ok(FrontReport { entries: 0, consultations: 0, practices: 0, problems: 0 });
    };
    let entry = |kind: &str, name: &str, union: &str| nw::EntryForm {
        kind: kind.into(),
        name: name.into(),
        union: Some(union.into()),
        ..Default::default()
    };
    let day = |d: Date| domain::fmt_date(d);
    let mut entries = 0;
    // Contact points in a dozen employers.
    let mut picked: Vec<&Unit> = units.iter().collect();
    picked.shuffle(&mut rng);
    let mut points = Vec::new();
    for u in picked.iter().take(12) {
        let leaders = ["县总工会副主席", "县总工会党组成员", "权益保障部", "经济技术部", "组织部（基层工作部）"];
        let f = nw::EntryForm {
            contact: format!("{} {}", leaders[rng.gen_range(0..leaders.len())], crate::demo::person_name(&mut rng)),
            topics: CONTACT_TOPICS[rng.gen_range(0..CONTACT_TOPICS.len())].into(),
            quota: Some(rng.gen_range(4..=6)),
            term_from: Some(day(today - Duration::days(rng.gen_range(200..400)))),
            term_to: Some(day(today + Duration::days(rng.gen_range(300..700)))),
            ..entry("contact_point", &u.2, &u.0)
        };
        let e = nw::save(db, admin, None, &f, today).await?;
        points.push(e.id);
        entries += 1;
    }
    // Observers among the members: the demo member, and others.
    let demo_member =
        store::users::list(db).await?.into_iter().find(|u| u.username == "member").and_then(|u| u.member_id);
    let mut observers: Vec<i64> = demo_member.into_iter().collect();
    while observers.len() < 20.min(members) {
        let m = rng.gen_range(lo..=hi);
        if !observers.contains(&m) {
            observers.push(m);
        }
    }
    for m in &observers {
        let f = nw::EntryForm {
            kind: "observer".into(),
            member_id: Some(*m),
            topics: "反映一线职工对改革的意见建议，每月报送一次职工诉求".into(),
            detail: STANDINGS[rng.gen_range(0..STANDINGS.len())].into(),
            term_from: Some(day(today - Duration::days(rng.gen_range(200..500)))),
            term_to: Some(day(today + Duration::days(rng.gen_range(200..500)))),
            ..Default::default()
        };
        let e = match nw::save(db, admin, None, &f, today).await {
            Ok(e) => e,
            Err(e) if e.is_bad_input() => continue,
            Err(e) => return Err(e.into()),
        };
        entries += 1;
        // Last year's evaluation.
        let grades = ["excellent", "competent", "competent", "competent", "basic"];
        let log = nw::LogForm {
            kind: "evaluation".into(),
            on_date: Some(format!("{}-12-20", today.year() - 1)),
            grade: Some(grades[rng.gen_range(0..grades.len())].into()),
            text: "全年报送职工诉求和意见建议，参加观察员例会".into(),
        };
        nw::log(db, admin, e.id, &log, today).await?;
    }
    for (name, services, agreement) in ADVISORY {
        let f = nw::EntryForm {
            contact: crate::demo::person_name(&mut rng),
            topics: (*services).into(),
            detail: (*agreement).into(),
            term_from: Some(day(today - Duration::days(300))),
            term_to: Some(day(today + Duration::days(430))),
            ..entry("advisory", name, &root.code)
        };
        nw::save(db, admin, None, &f, today).await?;
        entries += 1;
    }
    let rights = store::users::list(db).await?.into_iter().find(|u| u.username == "dept-rights").map(|u| u.username);
    for (i, (name, fields, cert)) in EXPERTS.iter().enumerate() {
        let f = nw::EntryForm {
            topics: (*fields).into(),
            detail: (*cert).into(),
            account: if i == 0 { rights.clone() } else { None },
            phone: format!("139{:08}", rng.gen_range(0..100_000_000u32)),
            ..entry("expert", name, &root.code)
        };
        nw::save(db, admin, None, &f, today).await?;
        entries += 1;
    }
    let mut stations = Vec::new();
    for town in towns.iter().take(8) {
        let t = store::unions::by_code(db, admin, town).await?;
        let short = t.name.trim_end_matches("总工会").trim_end_matches("工会");
        let f = nw::EntryForm {
            contact: crate::demo::person_name(&mut rng),
            phone: format!("0515-86{:06}", rng.gen_range(0..1_000_000u32)),
            topics: "快递员、外卖配送员、网约车司机、货车司机".into(),
            detail: format!("{short}快递员之家（镇政府东侧）"),
            ..entry("station", &format!("{short}新就业形态信息联络站"), town)
        };
        let e = nw::save(db, admin, None, &f, today).await?;
        stations.push(e.id);
        entries += 1;
    }
    // A contact point's visits this year.
    for p in &points {
        for _ in 0..rng.gen_range(1..=4) {
            let on = today - Duration::days(rng.gen_range(1..300.min(today.ordinal() as i64 - 1).max(2)));
            let log = nw::LogForm {
                kind: "visit".into(),
                on_date: Some(day(on)),
                grade: None,
                text: VISIT_NOTES[rng.gen_range(0..VISIT_NOTES.len())].into(),
            };
            nw::log(db, admin, *p, &log, today).await?;
        }
    }

    // Consultations, every two months; the latest still open.
    let mut consultations = 0;
    for (n, (topic, background, outcome)) in CONSULTATIONS.iter().enumerate() {
        // The latest went out two days ago: the demo member has it still to answer.
        let last = n + 1 == CONSULTATIONS.len();
        let issued = if last {
            today - Duration::days(2)
        } else {
            today - Duration::days(330 - 60 * n as i64 + rng.gen_range(0..10))
        };
        let due = cal.add_working_days(issued, 10);
        let (kinds, unions) = match if last { 1 } else { n % 3 } {
            0 => (vec!["observer".to_string(), "contact_point".to_string()], vec![]),
            1 => (vec!["observer".into(), "expert".into(), "station".into()], vec![]),
            _ => (vec!["contact_point".into()], towns.iter().take(1).cloned().collect::<Vec<_>>()),
        };
        let f = cs::NewConsultation {
            topic: (*topic).into(),
            background: (*background).into(),
            due: day(due),
            kinds,
            unions: if units.len() <= 400 { unions } else { vec![] },
            entries: vec![],
        };
        let c = cs::issue(db, &cal, admin, &f, issued).await?;
        consultations += 1;
        let d = cs::get(db, admin, c.id).await?;
        let mut answered = Vec::new();
        for a in d.answers {
            if !rng.gen_bool(0.8) {
                continue;
            }
            let on = issued + Duration::days(rng.gen_range(1..14));
            if on >= today {
                continue;
            }
            let who = match (a.entry_kind.as_deref(), a.entry_id) {
                (Some("observer"), Some(e)) => match nw::get(db, admin, e, today).await?.entry.member_id {
                    Some(m) if last && Some(m) == demo_member => continue,
                    Some(m) => member_actor(m),
                    None => continue,
                },
                (Some("expert"), Some(e)) => match nw::get(db, admin, e, today).await?.entry.account {
                    Some(_) => match department(db, "权益保障部").await? {
                        Some(a) => a,
                        None => continue,
                    },
                    None => continue,
                },
                _ => {
                    let path: Option<(String, String)> =
                        store::unions::by_code_or_name(db, admin, &a.union_name).await.ok().map(|u| (u.code, u.path));
                    match path {
                        Some((code, path)) => cadre_of(&code, &path),
                        None => continue,
                    }
                }
            };
            let text = ANSWERS[rng.gen_range(0..ANSWERS.len())];
            match cs::answer(db, &cal, &who, a.id, &cs::ConsultationAnswerForm { answer: text.into() }, on).await {
                Ok(_) => answered.push(a.id),
                Err(e)
                    if e.is_bad_input()
                        || matches!(
                            e,
                            store::StoreError::NotFound
                                | store::StoreError::Forbidden
                                | store::StoreError::Conflict { .. }
                        ) => {}
                Err(e) => return Err(e.into()),
            }
        }
        // The county adopts some of the answers, and sums the older ones up.
        if due < today {
            for id in answered.iter().filter(|_| rng.gen_bool(0.3)) {
                cs::adopt(db, admin, *id, &cs::AdoptForm { outcome: (*outcome).into() }, due).await?;
            }
            if n + 2 < CONSULTATIONS.len() {
                cs::summarise(
                    db,
                    admin,
                    c.id,
                    &cs::SummaryForm { summary: format!("收到意见建议 {} 条。{outcome}", answered.len()) },
                )
                .await?;
            }
        }
    }

    // Practices, two a month; most published, a few waiting or returned; adopted elsewhere.
    let reviewer = department(db, "办公室").await?.unwrap_or_else(|| admin.clone());
    let mut practices = 0;
    for n in 0..24usize {
        let (mechanism, title, tags, body) = PRACTICES[n % PRACTICES.len()];
        let u = picked[(n * 7 + 3) % picked.len()];
        let submitted = today - Duration::days(350 - 14 * n as i64);
        let cadre = cadre_of(&u.0, &u.1);
        let title = if n < PRACTICES.len() { title.to_string() } else { format!("{title}（{}）", u.2) };
        let f =
            pc::PracticeForm { title, mechanism: mechanism.into(), tags: tags.into(), body: body.into(), union: None };
        let d = pc::submit(db, &cadre, &f, submitted).await?;
        practices += 1;
        let reviewed = submitted + Duration::days(rng.gen_range(2..10));
        if reviewed >= today {
            continue;
        }
        if n % 9 == 4 {
            let r =
                pc::PracticeReview { publish: Some(false), note: Some("请补充具体数据和成效对比".into()) };
            pc::review(db, &reviewer, d.practice.id, &r, reviewed).await?;
            continue;
        }
        pc::review(db, &reviewer, d.practice.id, &pc::PracticeReview { publish: Some(true), note: None }, reviewed)
            .await?;
        for other in picked.iter().skip(20 + n).take(rng.gen_range(0..4)) {
            let on = reviewed + Duration::days(rng.gen_range(5..60));
            if on >= today || other.0 == u.0 {
                continue;
            }
            let note = "参照这个做法在本单位推开，效果不错";
            pc::adopt(db, &cadre_of(&other.0, &other.1), d.practice.id, &pc::AdoptPractice { note: note.into() }, on)
                .await?;
        }
    }

    // Problems over the year: members in the app, calls registered by the county, and workers at
    // the stations' QR codes; answered by the department, called back, checked.
    let count = (members / 20).clamp(20, 300);
    let mut problems = 0;
    let mut days: Vec<Date> = (0..count)
        .map(|i| today - Duration::days(if i < 5 { rng.gen_range(0..3) } else { rng.gen_range(3..360) }))
        .collect();
    days.sort();
    for filed in days {
        let (ptype, complexity, title, body, answer) = PROBLEMS[rng.gen_range(0..PROBLEMS.len())];
        let f = pr::NewProblem {
            r#type: ptype.into(),
            title: title.into(),
            body: body.into(),
            complexity: Some(complexity.into()),
            ..Default::default()
        };
        let roll = rng.gen_range(0..10);
        let p = if roll < 5 {
            let who = member_actor(rng.gen_range(lo..=hi));
            pr::file(db, &cal, pr::Filer::Signed(&who), &f, filed).await?
        } else if roll < 7 {
            let f = pr::NewProblem {
                channel: Some("phone".into()),
                name: Some(crate::demo::person_name(&mut rng)),
                phone: Some(format!("13{:09}", rng.gen_range(0..1_000_000_000u32))),
                ..f
            };
            pr::file(db, &cal, pr::Filer::Signed(admin), &f, filed).await?
        } else {
            let anonymous = rng.gen_bool(0.25);
            let f = pr::NewProblem {
                station: stations.choose(&mut rng).copied(),
                phone: Some(format!("15{:09}", rng.gen_range(0..1_000_000_000u32))),
                anonymous,
                ..f
            };
            pr::file(db, &cal, pr::Filer::Public { ip: None }, &f, filed).await?
        };
        problems += 1;
        let answerer = department(db, &p.department).await?.unwrap_or_else(|| admin.clone());
        let answered = cal.add_working_days(filed, rng.gen_range(1..=4) + u32::from(rng.gen_bool(0.05)) * 6);
        if answered >= today {
            continue;
        }
        pr::answer(db, &cal, &answerer, p.id, &pr::ProblemAnswer { answer: answer.into() }, answered).await?;
        let called = cal.add_working_days(answered, 1);
        if called >= today {
            continue;
        }
        if !p.anonymous {
            let satisfaction = *[5, 5, 5, 4, 4, 3, 2].choose(&mut rng).unwrap_or(&5);
            let note = if satisfaction > 2 {
                "反映人表示问题已解决"
            } else {
                "反映人认为还没有完全解决"
            };
            pr::callback(
                db,
                admin,
                p.id,
                &pr::Callback { note: note.into(), satisfaction: Some(satisfaction) },
                called,
            )
            .await?;
            // An unsatisfied requester: half the time the check sends it back and the department
            // follows up; otherwise it closes as answered within what the law allows.
            if satisfaction <= 2 && rng.gen_bool(0.5) {
                let back =
                    pr::QualityCheck { pass: Some(false), note: Some("反映人不满意，请继续跟进".into()) };
                pr::check(db, &cal, admin, p.id, &back, called).await?;
                let again = cal.add_working_days(called, rng.gen_range(2..=5));
                if again >= today {
                    continue;
                }
                let follow = "已再次协调，问题已全部解决。";
                pr::answer(db, &cal, &answerer, p.id, &pr::ProblemAnswer { answer: follow.into() }, again).await?;
                let cb = pr::Callback { note: "反映人表示这次解决了".into(), satisfaction: Some(4) };
                pr::callback(db, admin, p.id, &cb, again).await?;
                pr::check(db, &cal, admin, p.id, &pr::QualityCheck { pass: Some(true), note: None }, again).await?;
                continue;
            }
        }
        pr::check(db, &cal, admin, p.id, &pr::QualityCheck { pass: Some(true), note: None }, called).await?;
    }
    Ok(FrontReport { entries, consultations, practices, problems })
}
