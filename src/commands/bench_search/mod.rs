//! `kota bench search`: search at scale, measured as a server answers it. An empty database
//! is filled with the built-in network, the places of a GeoNames file and generated project
//! texts in the network's scripts up to the size asked for; the search service is built from
//! it as `kota serve` builds it; then each class of query is timed through the service (the
//! check that the index has caught up with the database included), and saves are timed
//! until search finds them.

mod corpus;
mod queries;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use kota_domain::access::Role;
use kota_domain::edit::StoryInput;
use kota_domain::place::dump;
use kota_domain::story::StoryKind;
use kota_search::{Audience, Query};
use kota_store::bench_load::GeneratedProject;
use kota_store::records::story::CreateStory;
use kota_store::{Actor, NewUser, ScopeKey, Store};
use kota_web::search::SearchService;
use serde_json::json;

use self::corpus::{Draws, Vocabularies};
use self::queries::{Asked, CLASSES};
use crate::config::DatabaseArgs;
use crate::match_cli::peak_rss_mib;

/// How the audit log names who loaded the benchmark's data.
const ACTOR: &str = "kota bench search";

/// Generated projects written a transaction.
const LOAD_BATCH: usize = 100_000;

/// Hits a query asks for, as a results page does.
const TOP: usize = 10;

/// Arguments of `kota bench search`.
#[derive(Debug, Args)]
pub(crate) struct SearchBenchArgs {
    /// Searchable records in all: the built-in network, the GeoNames places, and generated
    /// projects for the rest.
    #[arg(long, default_value_t = 1_000_000)]
    docs: usize,
    /// The GeoNames dump (`cities15000.txt` layout, plain or gzip).
    #[arg(long, default_value = "../shared/data/geonames/cities15000.tsv.gz")]
    places: PathBuf,
    /// Queries of each class.
    #[arg(long, default_value_t = 50)]
    queries: usize,
    /// Timed runs of each query after one that warms it; the fastest counts (as in the
    /// reference benchmark).
    #[arg(long, default_value_t = 3)]
    reps: usize,
    /// Saves timed until search finds them.
    #[arg(long, default_value_t = 20)]
    saves: usize,
    /// The generator's seed.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Print one JSON object as the last line.
    #[arg(long)]
    json: bool,
    /// The database: it must be empty (a new data folder, or an empty PostgreSQL database).
    #[command(flatten)]
    db: DatabaseArgs,
}

/// Median, 95th percentile, mean and maximum of some timings, in milliseconds.
#[derive(Debug, serde::Serialize)]
struct Spread {
    n: usize,
    p50_ms: f64,
    p95_ms: f64,
    mean_ms: f64,
    max_ms: f64,
}

impl Spread {
    /// As the reference benchmark reports: the value at index `0.95 n` of the sorted times.
    fn of(mut times: Vec<Duration>) -> Spread {
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let n = times.len().max(1);
        let median = if times.is_empty() {
            0.0
        } else if n % 2 == 1 {
            ms(times[n / 2])
        } else {
            (ms(times[n / 2 - 1]) + ms(times[n / 2])) / 2.0
        };
        Spread {
            n: times.len(),
            p50_ms: median,
            p95_ms: times.get((n * 95 / 100).min(n - 1)).map_or(0.0, |d| ms(*d)),
            mean_ms: times.iter().map(|d| ms(*d)).sum::<f64>() / n as f64,
            max_ms: times.last().map_or(0.0, |d| ms(*d)),
        }
    }
}

/// The best [`TOP`] hits for `text`, as a signed-in member asks with no filter.
fn top(text: String) -> Query {
    Query {
        text,
        kind: None,
        country: None,
        focus_area: None,
        year: None,
        audience: Audience::Member,
        limit: TOP,
        offset: 0,
    }
}

pub(crate) async fn run(args: SearchBenchArgs) -> anyhow::Result<()> {
    let store = args.db.open_signed().await?;
    let outcome = bench(&args, &store).await;
    store.close().await;
    outcome
}

async fn bench(args: &SearchBenchArgs, store: &Store) -> anyhow::Result<()> {
    let backend = store.backend();
    let actor = Actor::system(ACTOR);
    let started = Instant::now();
    let network = super::seed::builtin_network()?;
    store
        .import_into_empty(&network, &actor)
        .await?
        .context("the benchmark needs an empty database: name a new --data-dir, or the URL of an empty PostgreSQL database")?;
    let text = super::geonames::read_text(&args.places)?;
    let places = dump::read(&text)
        .map_err(|e| anyhow::anyhow!("{} is refused: {} errors", args.places.display(), e.len()))?
        .places;
    drop(text);
    let names: Vec<Vec<String>> = places.iter().map(|p| p.names()).collect();
    let place_count = places.len();
    store
        .import_places(places, &actor, &|_, _| {})
        .await
        .context("cannot store the places")?;
    let network_docs = network.cities.len()
        + network.projects.len()
        + network.partners.len()
        + network.events.len();
    let generated = args.docs.saturating_sub(network_docs + place_count);
    let vocabularies = Vocabularies::new();
    let cities: Vec<uuid::Uuid> = network.cities.iter().map(|c| c.id).collect();
    let areas: Vec<String> = network
        .framework
        .focus_areas
        .iter()
        .map(|a| a.id.clone())
        .collect();
    let mut draws = Draws::new(args.seed, 1);
    let mut made = 0;
    while made < generated {
        let batch: Vec<GeneratedProject> = (made..generated.min(made + LOAD_BATCH))
            .map(|n| {
                let text = corpus::text(&vocabularies, &mut draws);
                GeneratedProject {
                    id: uuid::Uuid::new_v4(),
                    slug: format!("generated-{n}"),
                    city: cities[draws.below(cities.len())],
                    title: text.title,
                    description: text.description,
                    focus_area: areas[draws.below(areas.len())].clone(),
                    year: 2018 + draws.below(9) as i32,
                }
            })
            .collect();
        store
            .load_generated_projects(&batch, &actor, &|_| {})
            .await
            .context("cannot store the generated projects")?;
        made += batch.len();
        eprintln!("# {made} of {generated} generated projects written");
    }
    let load_s = started.elapsed().as_secs_f64();
    let docs = network_docs + place_count + generated;
    eprintln!("# {backend}: {docs} records written in {load_s:.1} s");

    let search = SearchService::new(store.clone());
    let building = Instant::now();
    search.warm_up().await.context("cannot build the index")?;
    let index_s = building.elapsed().as_secs_f64();
    eprintln!("# index built from the database in {index_s:.1} s");

    let asked = queries::queries(&vocabularies, &names, args.queries, args.seed);
    let mut times: Vec<(&str, Duration, u64)> = Vec::with_capacity(asked.len());
    for Asked { class, text } in asked {
        let query = top(text);
        let found = search.search(query.clone()).await?;
        let mut best = Duration::MAX;
        for _ in 0..args.reps {
            let t = Instant::now();
            search.search(query.clone()).await?;
            best = best.min(t.elapsed());
        }
        times.push((class, best, found.total));
    }

    let fresh = saves(store, &search, &network, args.saves).await?;

    let classes: Vec<(&str, Spread, u64)> = CLASSES
        .iter()
        .map(|(class, _)| {
            let mine: Vec<&(&str, Duration, u64)> =
                times.iter().filter(|(c, _, _)| c == class).collect();
            let mut totals: Vec<u64> = mine.iter().map(|(_, _, n)| *n).collect();
            totals.sort_unstable();
            let median_total = totals.get(totals.len() / 2).copied().unwrap_or(0);
            (
                *class,
                Spread::of(mine.iter().map(|(_, d, _)| *d).collect()),
                median_total,
            )
        })
        .collect();
    let name = format!("kota-{backend}");
    println!(
        "| engine | class | queries | median ms | p95 ms | mean ms | max ms | median matches |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    for (class, s, total) in &classes {
        println!(
            "| {name} | {class} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {total} |",
            s.n, s.p50_ms, s.p95_ms, s.mean_ms, s.max_ms
        );
    }
    println!(
        "\n{docs} records ({generated} generated projects, {place_count} places); written in \
         {load_s:.1} s, indexed in {index_s:.1} s; a save found by search after {:.1} ms \
         (median of {}), {:.1} ms at most; peak memory {:.0} MiB.",
        fresh.p50_ms,
        fresh.n,
        fresh.max_ms,
        peak_rss_mib().unwrap_or(0.0)
    );
    if args.json {
        let report = json!({
            "engine": name,
            "docs": docs,
            "generated_projects": generated,
            "places": place_count,
            "load_s": load_s,
            "index_s": index_s,
            "classes": classes.iter().map(|(c, s, total)| json!({
                "class": c, "n": s.n, "p50_ms": s.p50_ms, "p95_ms": s.p95_ms,
                "mean_ms": s.mean_ms, "max_ms": s.max_ms, "median_matches": total,
            })).collect::<Vec<_>>(),
            "save_to_found": fresh,
            "peak_rss_mib": peak_rss_mib(),
        });
        println!("{report}");
    }
    Ok(())
}

/// Saves `count` stories, each with a word of its own, through the edit pipeline as a
/// coordinator, and times each from its acknowledgement until a search finds it.
async fn saves(
    store: &Store,
    search: &SearchService,
    network: &kota_domain::seed::NetworkData,
    count: usize,
) -> anyhow::Result<Spread> {
    let user = store
        .create_user(&NewUser {
            email: "bench.coordinator@example.org".into(),
            name: "Benchmark coordinator".into(),
            password: format!("bench-{}", uuid::Uuid::new_v4()),
            role: Role::Coordinator,
            scope: ScopeKey::Network,
        })
        .await?;
    let who = user
        .principal()
        .context("the benchmark's coordinator has no rights")?;
    let city = network.cities.first().context("the network has no city")?;
    let area = network
        .framework
        .focus_areas
        .first()
        .context("the framework has no focus area")?;
    let mut times = Vec::with_capacity(count);
    for i in 0..count {
        let word = format!("kotafresh{i}");
        let input = StoryInput {
            kind: StoryKind::Lesson,
            city: city.slug.clone(),
            project: None,
            partner: None,
            focus_areas: vec![area.id.clone()],
            language: "en".into(),
            title: format!("Saved and found {word}"),
            body: format!("A story the benchmark saves and looks for by {word}."),
            outcomes: Vec::new(),
            sources: Vec::new(),
            visibility: None,
        };
        store
            .apply_edit(&who, CreateStory { input }, None)
            .await
            .context("cannot save a story")?;
        let saved = Instant::now();
        loop {
            let found = search.search(top(word.clone())).await?;
            if found.total > 0 {
                break;
            }
            anyhow::ensure!(
                saved.elapsed() < Duration::from_secs(10),
                "a saved story was not found by search within 10 s"
            );
        }
        times.push(saved.elapsed());
    }
    Ok(Spread::of(times))
}
