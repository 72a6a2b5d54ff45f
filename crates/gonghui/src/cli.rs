//! The command line: `gonghui serve | demo | migrate | init | user …`.

use crate::config::Settings;
use crate::startup::{Application, open_db};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "gonghui", version, about = "工会 — 县总工会改革系统集成平台 (trade-union federation platform)")]
struct Cli {
    /// Database URL: sqlite://PATH or postgres://USER:PASS@HOST/DB (env GONGHUI_DATABASE_URL).
    #[arg(long, global = true)]
    database: Option<String>,
    /// Configuration file (TOML); default ./gonghui.toml when present (env GONGHUI_CONFIG).
    #[arg(long, global = true, env = "GONGHUI_CONFIG")]
    config: Option<PathBuf>,
    /// Folder for the SQLite file and the ID key (env GONGHUI_DATA_DIR; default ./data).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web UI and the API.
    Serve {
        /// Address to listen on (env GONGHUI_LISTEN; default 127.0.0.1:8080).
        #[arg(long)]
        listen: Option<String>,
        /// Fill an empty database with the demo county first.
        #[arg(long)]
        demo: bool,
    },
    /// Fill an empty database with a synthetic 建湖县 federation.
    Demo {
        #[arg(long, default_value_t = 60_000)]
        members: usize,
        /// Work items over the last two years (default: a fifth of the members).
        #[arg(long)]
        items: Option<usize>,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Bring the database schema up to date (also done at every start).
    Migrate,
    /// Create the federation at the top of the tree in an empty database.
    Init {
        /// e.g. 建湖县总工会
        #[arg(long)]
        name: String,
        /// County division code (GB/T 2260), e.g. 320925; also the union code unless --code.
        #[arg(long)]
        division: String,
        #[arg(long)]
        code: Option<String>,
    },
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Import a roster (.xlsx or .csv in UTF-8 or GBK).
    #[command(subcommand)]
    Import(ImportCommand),
    /// Export members to .xlsx or .csv (by the file name's extension).
    #[command(subcommand)]
    Export(ExportCommand),
    /// The working-day calendar: load the State Council's arrangement for a new year.
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// Background jobs, for running them from an outside scheduler.
    #[command(subcommand)]
    Jobs(JobsCommand),
    /// Write an empty import template.
    Template {
        /// members
        kind: String,
        out: PathBuf,
    },
    /// Copy the database to FILE while the server runs (SQLite; PostgreSQL uses pg_dump).
    /// The ID-number key (data/id.key) is not in the copy: keep it apart, once, somewhere safe.
    Backup { file: PathBuf },
    /// Replace the database with a backup. Stop `serve` first. Refuses a backup of another
    /// federation, of a newer version, or whose ID numbers this key does not open.
    Restore { file: PathBuf },
}

#[derive(Subcommand)]
enum CalendarCommand {
    /// Load years from a file: the shipped JSON shape ({"holidays": {date: "…,名称,…"},
    /// "workdays": {date: …}}) or an .ics of holidays (补班 events are makeup workdays).
    /// A year in the file replaces that year entirely.
    Load { file: PathBuf },
    /// Print a year's days off and makeup workdays.
    Show { year: i32 },
}

#[derive(Subcommand)]
enum JobsCommand {
    /// Run the deadline scan (reminders, escalation) and open the rounds of standing care visits
    /// now, whatever the schedule.
    Run {
        /// Count as if today were this date (YYYY-MM-DD); default: today in China.
        #[arg(long)]
        date: Option<String>,
    },
    /// Rebuild every mechanism's figures (the indicator store) from its records.
    Recount,
}

#[derive(Subcommand)]
enum ExportCommand {
    /// The members of the federation or of one union's subtree.
    Members {
        out: PathBuf,
        #[arg(long)]
        union: Option<String>,
        /// Full ID numbers instead of masked ones (written to the audit log).
        #[arg(long)]
        reveal: bool,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Grassroots unions and their enterprises (工会名称, 工会代码, 上级工会, 单位名称,
    /// 统一社会信用代码, 行业, 所在镇街/行政区划代码, 职工人数, 建会日期, 工会主席).
    Unions {
        file: PathBuf,
        #[arg(long)]
        sheet: Option<String>,
        #[arg(long)]
        report: Option<PathBuf>,
    },
    /// Members, by the SPEC §4 template (Chinese headers, any order, extra columns ignored).
    Members {
        file: PathBuf,
        /// Sheet name (default: the first sheet).
        #[arg(long)]
        sheet: Option<String>,
        /// Write the rejected rows, with their original values and reasons, to this .xlsx.
        #[arg(long)]
        report: Option<PathBuf>,
        /// Move members found in another union instead of only reporting them.
        #[arg(long)]
        apply_transfers: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user.
    Add {
        name: String,
        /// 姓名 shown in timelines and the audit log (a member account takes the member's).
        #[arg(long)]
        real_name: Option<String>,
        #[arg(long)]
        password: String,
        /// county-admin | leader | department | cadre | member
        #[arg(long)]
        role: String,
        /// Union code at the root of the user's scope (none: the whole federation).
        #[arg(long)]
        union: Option<String>,
        /// Department (部室) name, for role department.
        #[arg(long)]
        department: Option<String>,
        /// Member record id, for role member.
        #[arg(long)]
        member: Option<i64>,
    },
    /// List users.
    List,
    /// Set a user's password (ends their sessions).
    Passwd {
        name: String,
        #[arg(long)]
        password: String,
    },
}

pub async fn main() -> ExitCode {
    let cli = Cli::parse();
    crate::telemetry::init(matches!(cli.command, Command::Demo { .. }));
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::FAILURE
        }
    }
}

fn settings(cli: &Cli) -> anyhow::Result<Settings> {
    let mut s = Settings::load(cli.config.as_deref()).map_err(anyhow::Error::msg)?;
    if let Some(d) = &cli.data_dir {
        s.data_dir = d.clone();
    }
    if let Some(url) = &cli.database {
        s.database_url = Some(url.clone());
    }
    Ok(s)
}

/// Puts a backup in place of the database, after checking it belongs here.
async fn restore(db: &store::Db, settings: &Settings, file: &std::path::Path) -> anyhow::Result<()> {
    let url = settings.database_url();
    if url.starts_with("sqlite://") == store::backup::is_pg_archive(file) {
        anyhow::bail!(
            "{} 是{}的备份，本机使用{}：请恢复到同一种数据库",
            file.display(),
            if store::backup::is_pg_archive(file) { " PostgreSQL " } else { " SQLite " },
            if url.starts_with("sqlite://") { " SQLite" } else { " PostgreSQL" }
        );
    }
    let here = store::unions::root(db).await?.map(|u| (u.code, u.name));
    let vault = settings.vault().map_err(anyhow::Error::msg)?;
    db.close().await;
    let b = store::backup::info(file, Some(&vault)).await.map_err(explain)?;
    if let Some((code, name)) = here.filter(|(code, _)| *code != b.federation_code) {
        anyhow::bail!(
            "备份属于 {}（{}），本机是 {name}（{code}）：不能恢复到别的工会",
            b.federation_name,
            b.federation_code
        );
    }
    let restored = |b: &store::backup::BackupInfo| {
        println!(
            "已恢复 {}（{}）：{} 名会员，数据库结构版本 {}。下次启动时会升级到本程序的版本。",
            b.federation_name, b.federation_code, b.members, b.schema_version
        )
    };
    let Some(target) = url.strip_prefix("sqlite://").map(|p| p.split('?').next().unwrap_or(p).to_string()) else {
        store::backup::pg_restore(&url, file, b.schema_version).await.map_err(explain)?;
        restored(&b);
        return Ok(());
    };
    let wal = std::path::PathBuf::from(format!("{target}-wal"));
    if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        anyhow::bail!("数据库仍在使用中（{} 存在）：请先停止 gonghui serve 再恢复", wal.display());
    }
    let staged = std::path::PathBuf::from(format!("{target}.restoring"));
    std::fs::copy(file, &staged)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&staged, std::fs::Permissions::from_mode(0o600))?;
    }
    std::fs::File::open(&staged)?.sync_all()?;
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{target}{suffix}"));
    }
    std::fs::rename(&staged, &target)?;
    restored(&b);
    Ok(())
}

async fn system_actor(db: &store::Db) -> anyhow::Result<store::Actor> {
    let root = store::unions::root(db).await?.ok_or_else(|| {
        anyhow::anyhow!("尚未建立组织：先运行 `gonghui init --name … --division …` 或 `gonghui demo`")
    })?;
    Ok(store::Actor::system(root.org_path()))
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let mut settings = settings(&cli)?;
    let db = open_db(&settings).await?;
    match cli.command {
        Command::Migrate => println!("数据库已是最新版本。"),
        Command::Backup { file } => {
            let b = store::backup::backup(&db, &file).await.map_err(explain)?;
            println!(
                "已备份 {}（{}）：{} 名会员，数据库结构版本 {}，写入 {}",
                b.federation_name,
                b.federation_code,
                b.members,
                b.schema_version,
                file.display()
            );
            println!(
                "身份证号以密钥加密保存，密钥不在备份中：请把 {} 另行妥善保存一份。",
                settings.key_file().display()
            );
        }
        Command::Restore { file } => restore(&db, &settings, &file).await?,
        Command::Demo { members, items, seed } => demo(&settings, members, items.unwrap_or(members / 5), seed).await?,
        Command::Init { name, division, code } => {
            let form = store::unions::UnionForm {
                code: code.unwrap_or_else(|| division.clone()),
                name,
                level: "federation".into(),
                division_code: Some(division),
                ..Default::default()
            };
            let u = store::unions::create(&db, &store::Actor::system(domain::OrgPath::root(0)), &form)
                .await
                .map_err(explain)?;
            println!("已建立 {}（代码 {}）。", u.name, u.code);
        }
        Command::User(cmd) => user(&db, cmd).await?,
        Command::Import(ImportCommand::Unions { file, sheet, report }) => {
            let actor = system_actor(&db).await?;
            let r = web::roster::import_unions(&db, &actor, &file, sheet.as_deref()).await?;
            println!(
                "导入完成：新建 {}，更新 {}，未变 {}，拒绝 {}。",
                r.created,
                r.updated,
                r.unchanged,
                r.rejected_rows.len()
            );
            for e in r.errors.iter().take(20) {
                println!("  第 {} 行 {}：{}", e.row, e.column, e.reason);
            }
            if let Some(out) = report {
                web::roster::write_rejected(&r.header, &r.rejected_rows, &r.errors, &out)?;
                println!("未导入的行已写入 {}", out.display());
            }
        }
        Command::Import(ImportCommand::Members { file, sheet, report, apply_transfers }) => {
            let actor = system_actor(&db).await?;
            let show = std::io::IsTerminal::is_terminal(&std::io::stderr());
            // Ctrl-C or SIGTERM ends the import between batches: what was committed stays, and
            // indexes dropped for a large load are rebuilt before the process exits.
            let (stop, stopping) = tokio::sync::watch::channel(false);
            tokio::spawn(async move {
                crate::startup::shutdown_signal().await;
                stop.send_replace(true);
            });
            let opts = web::roster::ImportOptions {
                path: file,
                sheet,
                apply_transfers,
                display_name: None,
                stop: Some(stopping),
            };
            let started = std::time::Instant::now();
            let bar = crate::demo::progress_bar(show, 0, "导入");
            let result = web::roster::import_members(&db, &actor, &opts, |p| {
                if let Some(total) = p.total
                    && bar.length() != Some(total)
                {
                    // From a spinner to a bar with the time left, once the size is known.
                    bar.set_length(total);
                    bar.set_style(crate::demo::bar_style());
                }
                bar.set_position(p.rows as u64);
            })
            .await;
            bar.finish_and_clear();
            let result = result?;
            let c = result.counts;
            println!(
                "导入完成（{:.1} 秒）：新增 {}，更新 {}，未变 {}，转会 {}，拒绝 {}。",
                started.elapsed().as_secs_f64(),
                c.new,
                c.updated,
                c.unchanged,
                c.transfers,
                c.rejected
            );
            for t in &result.transfers {
                let what = if t.applied { "已转入" } else { "待确认转会（加 --apply-transfers 执行）" };
                println!("  第 {} 行 {}：{} → {}，{what}", t.row, t.name, t.from_union, t.to_union);
            }
            for e in result.errors.iter().take(20) {
                println!("  第 {} 行 {}：{}", e.row, e.column, e.reason);
            }
            if result.errors.len() > 20 {
                println!(
                    "  ……共 {} 条问题{}",
                    result.errors.len(),
                    if report.is_some() { "，详见报告" } else { "，用 --report 导出全部" }
                );
            }
            if let Some(out) = report {
                web::roster::write_report(&result, &out)?;
                println!("未导入的行已写入 {}", out.display());
            }
        }
        Command::Export(ExportCommand::Members { out, union, reveal }) => {
            let actor = system_actor(&db).await?;
            let format = web::export::ExportFormat::from_path(&out)
                .ok_or_else(|| anyhow::anyhow!("导出文件名应以 .xlsx 或 .csv 结尾"))?;
            let started = std::time::Instant::now();
            let n = web::export::write_members(&db, &actor, union.as_deref(), reveal, format, &out)
                .await
                .map_err(explain)?;
            println!("已导出 {n} 名会员到 {}（{:.1} 秒）。", out.display(), started.elapsed().as_secs_f64());
        }
        Command::Template { kind, out } => {
            if kind != "members" {
                anyhow::bail!("模板类型应为 members");
            }
            web::roster::write_template(&out)?;
            println!("已生成模板 {}", out.display());
        }
        Command::Calendar(CalendarCommand::Load { file }) => {
            let meta = std::fs::metadata(&file).map_err(|e| anyhow::anyhow!("无法读取 {}：{e}", file.display()))?;
            if meta.len() > 4 << 20 {
                anyhow::bail!("日历文件不应超过 4 MB");
            }
            let text =
                std::fs::read_to_string(&file).map_err(|e| anyhow::anyhow!("无法读取 {}：{e}", file.display()))?;
            let is_ics =
                file.extension().is_some_and(|e| e.eq_ignore_ascii_case("ics")) || text.contains("BEGIN:VCALENDAR");
            let cal = if is_ics { domain::Calendar::from_ics(&text) } else { domain::Calendar::from_json(&text) }
                .map_err(anyhow::Error::msg)?;
            let actor = system_actor(&db).await?;
            let years = store::calendar::save(&db, &actor, &cal).await.map_err(explain)?;
            for y in years {
                let year = cal.year(y);
                println!("{y} 年：{} 天放假，{} 天调休上班", year.days_off.len(), year.makeup_workdays.len());
            }
            println!("已导入。各节点在下一次检查时（默认 5 分钟内）改用新的安排。");
        }
        Command::Calendar(CalendarCommand::Show { year }) => {
            let y = store::calendar::load(&db).await?.year(year);
            if !y.known {
                println!("{year} 年的放假安排尚未导入，按周一至周五计算。");
            }
            for d in &y.days_off {
                println!("{} 放假 {}", d.date, d.holiday);
            }
            for d in &y.makeup_workdays {
                println!("{d} 调休上班");
            }
        }
        Command::Jobs(JobsCommand::Run { date }) => {
            let today = match date {
                Some(d) => domain::parse_date(&d).ok_or_else(|| anyhow::anyhow!("日期应为 YYYY-MM-DD"))?,
                None => web::today(),
            };
            let cal = store::calendar::load(&db).await?;
            let r = store::work::scan(&db, &cal, today, &|| false).await?;
            println!(
                "{}：提醒 {} 件，逾期升级 {} 件，受理超时 {} 件。",
                domain::fmt_date(today),
                r.reminded,
                r.escalated,
                r.response_breaches
            );
            let v = store::care::standing_visits(&db, &cal, today, &|| false).await?;
            println!("定期走访（{}）：新派发 {} 件。", v.rounds.join("、"), v.created);
        }
        Command::Jobs(JobsCommand::Recount) => {
            store::indicators::recount(&db).await?;
            println!("各项统计（办理情况、关爱、四季送、普惠等）已按业务记录重算。");
        }
        Command::Serve { listen, demo: with_demo } => {
            if let Some(l) = listen {
                settings.listen = l;
            }
            if with_demo && store::unions::root(&db).await?.is_none() {
                demo(&settings, 60_000, 12_000, 2026).await?;
            }
            if store::users::count(&db).await? == 0 {
                tracing::warn!(
                    "no users yet: create one with `gonghui user add NAME --password PW --role county-admin`, or run `gonghui demo`"
                );
            }
            let app = Application::build(&settings, db.clone()).await?;
            let host = settings.listen.rsplit_once(':').map(|h| h.0).unwrap_or("127.0.0.1");
            println!("gonghui 已启动：http://{host}:{}/  （API 文档 /api/docs）", app.port());
            app.run_until_stopped().await?;
        }
    }
    // A statement still running in a stopped job is not waited for past this.
    let _ = tokio::time::timeout(std::time::Duration::from_secs(1), db.close()).await;
    Ok(())
}

/// Store errors as one line a person can act on.
fn explain(e: store::StoreError) -> anyhow::Error {
    match e {
        store::StoreError::Invalid(i) => anyhow::anyhow!("{}", i.zh),
        store::StoreError::InvalidFields(list) => {
            anyhow::anyhow!("{}", list.iter().map(|i| i.zh.as_str()).collect::<Vec<_>>().join("；"))
        }
        other => anyhow::anyhow!("{other}"),
    }
}

/// Fills the empty database through a pool of its own, shaped for loading (`store::Purpose`).
async fn demo(settings: &Settings, members: usize, items: usize, seed: u64) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let progress = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let care_events = members / 60;
    let db = crate::startup::open_db_for(settings, store::Purpose::Loading).await?;
    let options = crate::demo::Options { members, items, care_events, seed, progress };
    let report = if db.backend() == store::Backend::Postgres {
        let db = db.clone();
        tokio::spawn(async move { crate::demo::run(&db, &options).await }).await?
    } else {
        crate::demo::run(&db, &options).await
    };
    db.close().await;
    let report = report?;
    println!(
        "演示数据已生成：{} 个工会，{} 名会员，{} 件近两年的事项，{} 件关爱事件（发放 {} 笔），{} 户困难职工档案，{} 件法律援助案件，{} 件劳动争议，{} 件劳动法律监督，{} 份集体合同，{} 件政策咨询（{} 条收入常见问答），{} 份通知文件，五直联系网络 {} 个、寻策问计 {} 次、经验做法 {} 篇、问题直达 {} 件，四季送与普惠项目（今天逾期升级 {} 件），用时 {:.1} 秒。",
        report.unions,
        report.members,
        report.items,
        report.care_events,
        report.payments,
        report.hardship_files,
        report.legal_aid,
        report.disputes,
        report.supervision,
        report.contracts,
        report.questions,
        report.faq,
        report.bulletins,
        report.front.0,
        report.front.1,
        report.front.2,
        report.front.3,
        report.escalated_today,
        started.elapsed().as_secs_f64()
    );
    println!("演示账号（密码均为 {}）：", crate::demo::DEMO_PASSWORD);
    for (name, role, scope) in &report.logins {
        println!("  {name:<16} {role:<10} {scope}");
    }
    Ok(())
}

async fn user(db: &store::Db, cmd: UserCommand) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Add { name, real_name, password, role, union, department, member } => {
            let actor = system_actor(db).await?;
            let u = store::users::NewUser {
                username: name,
                name: real_name.unwrap_or_default(),
                password,
                role,
                union_code: union,
                department,
                member_id: member,
            };
            let created = store::users::create(db, &actor, &u).await.map_err(explain)?;
            println!("已创建用户 {}（{}）。", created.username, created.role().label());
        }
        UserCommand::List => {
            for u in store::users::list(db).await? {
                let scope = u
                    .union_name
                    .clone()
                    .or(u.department.clone())
                    .unwrap_or_else(|| if u.member_id.is_some() { "本人".into() } else { "全县".into() });
                println!("{:<6} {:<16} {:<14} {}", u.id, u.username, u.role, scope);
            }
        }
        UserCommand::Passwd { name, password } => {
            let actor = system_actor(db).await?;
            store::users::set_password(db, &actor, &name, &password).await.map_err(|e| match e {
                store::StoreError::NotFound => anyhow::anyhow!("没有用户 {name}"),
                e => explain(e),
            })?;
            println!("已修改 {name} 的密码，原有登录已失效。");
        }
    }
    Ok(())
}
