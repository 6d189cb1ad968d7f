//! The `ent` command.

use std::{io::IsTerminal, path::PathBuf, sync::Arc};

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use crate::{
    clock::{Clock, SystemClock},
    config::{Config, LogFormat, Source},
    couriers::Couriers,
    db, demo,
    people::{
        import::{self, ImportError},
        model::Rules,
    },
    push::worker::Pusher,
    secretariat::{self, command::AccountCommand},
    server, timetable,
};

#[derive(Parser)]
#[command(
    name = "ent",
    version,
    about = "ENT mobile: the university's digital workspace and its service"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API, the PWA and the operations endpoints (/healthz, /readyz, /metrics).
    Serve {
        /// Apply pending database migrations before serving.
        #[arg(long)]
        migrate: bool,
    },
    /// Apply pending database migrations (they are embedded in the binary).
    Migrate,
    /// Create or refresh the demo university (campuses, programs, groups, 38 people); idempotent.
    SeedDemo,
    /// Import reference data from the registrar or HR.
    #[command(subcommand)]
    Import(ImportKind),
    /// Read the configuration (files and ENT_… variables) and report the first problem.
    CheckConfig,
    /// Print the OpenAPI document (the PWA's API types are generated from it).
    Openapi,
    /// Generate a VAPID key pair for Web Push, printed as the `[push]` configuration wants it.
    VapidKeys,
    /// Account administration for scripts: find, suspend, reinstate, close, invite, set-phone,
    /// end-sessions, grant.
    #[command(subcommand)]
    Account(AccountCommand),
}

#[derive(Subcommand)]
enum ImportKind {
    /// Create or update people from a CSV file, matched by number. Columns (header required,
    /// any order, `,` or `;`): number, role, family_name, given_name, birth_date,
    /// institutional_email, personal_email, mobile_phone, campus, program, groups (codes
    /// separated by |), status (enrolled / former), and for the staff directory title, service,
    /// office, professional_phone, unlisted (yes / no). Nothing is written if a line is wrong,
    /// unless --skip-invalid.
    People {
        /// The CSV file (UTF-8).
        file: PathBuf,
        /// Import the valid lines and list the others, instead of importing nothing.
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Create or update registrations from the registrar's CSV file, matched by number and
    /// academic year. Columns: number, academic_year (2026-2027), program, administrative
    /// (not_started / in_progress / awaiting_documents / awaiting_payment / complete, or in
    /// French), pedagogical (not_started / in_progress / complete), cvec (yes / no),
    /// missing_documents (separated by |), opens_on and closes_on (the re-registration window,
    /// 2027-07-15 or 15/07/2027). Students are pushed what changed for them. Nothing is written
    /// if a line is wrong, unless --skip-invalid.
    Registrations {
        /// The CSV file (UTF-8).
        file: PathBuf,
        /// Import the valid lines and list the others, instead of importing nothing.
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Import a course group's timetable from its ADE iCalendar export. Compared by UID with
    /// the group's previous import: added, moved, room or teacher changed, cancelled (gone from
    /// the export or STATUS:CANCELLED); the people concerned by a change in the next
    /// timetable.notify_days days are notified. A bad file changes nothing.
    Timetable {
        /// The .ics file.
        file: PathBuf,
        /// The course group whose export it is (`L1-INFO-TD1`).
        #[arg(long)]
        group: String,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let source = Source::from_env();
    match cli.command {
        Command::Openapi => {
            println!("{}", crate::app::openapi_json());
            return Ok(());
        }
        Command::VapidKeys => {
            let (private, public) = crate::push::vapid::generate();
            println!(
                "[push]\nvapid_private_key = \"{private}\"\n# public key (served at /api/push/vapid-public-key): {public}"
            );
            return Ok(());
        }
        _ => {}
    }
    let config = Config::load(&source)?;
    init_logs(&config);
    match cli.command {
        Command::CheckConfig => {
            println!(
                "configuration OK (profile {}, folder {})",
                source.profile,
                source.dir.display()
            );
        }
        Command::Migrate => migrate(&config).await?,
        Command::Serve { migrate: m } => {
            if m {
                migrate(&config).await?;
            }
            serve(config).await?;
        }
        Command::SeedDemo => {
            let clock = SystemClock;
            let mut conn = connect(&config).await?;
            let settings = timetable::import::Settings::of(&config);
            let redis = crate::redis::Redis::new(&config.redis)?;
            let rules = rules(&config, &clock);
            let seeded =
                demo::seed(&mut conn, &config, &rules, &redis, settings, clock.now()).await;
            println!("demo university ready: {}", reported(seeded)?);
        }
        Command::Import(ImportKind::People { file, skip_invalid }) => {
            import_people(&config, &file, skip_invalid).await?;
        }
        Command::Import(ImportKind::Registrations { file, skip_invalid }) => {
            import_registrations(&config, &file, skip_invalid).await?;
        }
        Command::Import(ImportKind::Timetable { file, group }) => {
            let bytes =
                std::fs::read(&file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let mut conn = connect(&config).await?;
            let settings = timetable::import::Settings::of(&config);
            let redis = crate::redis::Redis::new(&config.redis)?;
            let now = SystemClock.now();
            let report =
                timetable::import::import(&mut conn, &redis, settings, &group, &bytes, now)
                    .await
                    .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            println!("{group}: {report}");
        }
        Command::Account(command) => {
            let state = server::state(config, Arc::new(SystemClock))?;
            secretariat::command::run(&state, command).await?;
        }
        Command::Openapi | Command::VapidKeys => {
            unreachable!("answered before reading the configuration")
        }
    }
    Ok(())
}

/// The HTTP server, one courier worker, one push worker, the timetable puller, the news
/// announcer and the registration reminders, stopped by SIGINT/SIGTERM: the
/// server drains its requests first, then each worker finishes the pass it is in.
async fn serve(config: Config) -> anyhow::Result<()> {
    let signalled = shutdown_signal();
    let state = server::state(config, Arc::new(SystemClock))?;
    let couriers = Couriers::new(&state)?;
    let pusher = Pusher::new(&state)?;
    let puller = timetable::pull::Puller::new(&state)?;
    let announcing = state.clone();
    let bound = server::bind(state).await?;
    println!("listening on http://{}", bound.addr);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let until_stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|stop| *stop).await;
    };
    let workers = [
        couriers.spawn(until_stopped(stopped.clone())),
        pusher.spawn(until_stopped(stopped.clone())),
        puller.spawn(until_stopped(stopped.clone())),
        crate::news::announce::spawn(&announcing, until_stopped(stopped.clone())),
        crate::registration::notices::spawn(&announcing, until_stopped(stopped)),
    ];
    let served = bound.run(signalled).await;
    let _ = stop.send(true);
    for worker in workers {
        worker.await?;
    }
    Ok(served?)
}

async fn migrate(config: &Config) -> anyhow::Result<()> {
    let applied = db::migrate(&config.database).await?;
    drop(connect(config).await?); // connecting copies the campuses

    if applied.is_empty() {
        println!("database up to date");
    } else {
        println!(
            "applied {} migration(s): {}",
            applied.len(),
            applied.join(", ")
        );
    }
    Ok(())
}

/// A connection to a database whose campuses follow the configuration (people refer to them).
async fn connect(config: &Config) -> anyhow::Result<db::Conn> {
    let pool = db::pool(&config.database)?;
    let mut conn = pool.get().await.map_err(db::unreachable)?;
    crate::university::store::sync_campuses(&mut conn, &config.campuses).await?;
    Ok(conn)
}

pub fn rules(config: &Config, clock: &dyn Clock) -> Rules {
    let tz = config.university.time_zone.tz();
    Rules {
        phone_region: config.university.phone_region.id(),
        mail_domains: config
            .university
            .mail_domains
            .iter()
            .map(ToString::to_string)
            .collect(),
        campuses: config.campuses.iter().map(|c| c.code.to_string()).collect(),
        today: clock.now().with_timezone(&tz).date_naive(),
    }
}

async fn import_people(config: &Config, file: &PathBuf, skip_invalid: bool) -> anyhow::Result<()> {
    let clock = SystemClock;
    let input =
        std::fs::File::open(file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let (records, errors) = import::read(std::io::BufReader::new(input), &rules(config, &clock))?;
    let mut conn = connect(config).await?;
    let bar = progress_bar(records.len(), "people");
    let show = |done: usize, total: usize| match &bar {
        Some(bar) => bar.set_position(done as u64),
        None => eprintln!("{done}/{total} people written"),
    };
    let result = import::write(&mut conn, records, errors, skip_invalid, clock.now(), &show).await;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    println!("{}", reported(result)?);
    let state = server::state(config.clone(), Arc::new(SystemClock))?;
    // Groups may have changed: so may people's timetables.
    timetable::cache::changed(&state.redis).await;
    let client = crate::http::client::Client {
        ip: "command line".into(),
        user_agent: "ent import people".into(),
    };
    let closed = secretariat::actions::close_former_accounts(&state, &client)
        .await
        .map_err(secretariat::command::explain)?;
    if closed > 0 {
        println!("{closed} account(s) closed: no longer enrolled");
    }
    Ok(())
}

async fn import_registrations(
    config: &Config,
    file: &PathBuf,
    skip_invalid: bool,
) -> anyhow::Result<()> {
    use crate::registration::import::{self, ImportError, Settings};
    let input =
        std::fs::File::open(file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let checked = import::read(std::io::BufReader::new(input))?;
    let mut conn = connect(config).await?;
    let bar = progress_bar(checked.0.len(), "registrations");
    let show = |done: usize, total: usize| match &bar {
        Some(bar) => bar.set_position(done as u64),
        None => eprintln!("{done}/{total} registrations written"),
    };
    let settings = Settings {
        tz: config.university.time_zone.tz(),
        reminder_days: &config.registration.reminder_days,
        skip_invalid,
    };
    let result = import::write(&mut conn, checked, &settings, SystemClock.now(), &show).await;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    match result {
        Ok(report) => {
            report.skipped.iter().for_each(|e| eprintln!("skipped {e}"));
            println!("{report}");
            Ok(())
        }
        Err(ImportError::Invalid(errors)) => {
            errors.iter().for_each(|e| eprintln!("{e}"));
            Err(ImportError::Invalid(errors).into())
        }
        Err(e) => Err(e.into()),
    }
}

/// Lists the lines that were skipped or refused, one per line on stderr.
fn reported(result: Result<import::Report, ImportError>) -> anyhow::Result<import::Report> {
    match result {
        Ok(report) => {
            for e in &report.skipped {
                eprintln!("skipped {e}");
            }
            Ok(report)
        }
        Err(ImportError::Invalid(errors)) => {
            for e in &errors {
                eprintln!("{e}");
            }
            Err(ImportError::Invalid(errors).into())
        }
        Err(e) => Err(e.into()),
    }
}

/// A bar on a terminal; plain lines (one per batch) in logs.
fn progress_bar(total: usize, what: &str) -> Option<ProgressBar> {
    std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(total as u64);
        bar.set_style(
            ProgressStyle::with_template(&format!(
                "{{bar:40}} {{pos}}/{{len}} {what} written ({{eta}} left)"
            ))
            .expect("valid template"),
        );
        bar
    })
}

fn init_logs(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(config.log.filter.as_str()));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match config.log.format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
}

/// Resolves on SIGTERM or Ctrl-C. SIGTERM is caught from the call on, not from the first poll:
/// one that arrives while the workers start must stop the server, not kill it.
fn shutdown_signal() -> impl Future<Output = ()> {
    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("SIGTERM handler");
    async move {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
        #[cfg(not(unix))]
        let _ = ctrl_c.await;
    }
}
