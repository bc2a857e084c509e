//! `kota bench twinning-round`: a coordinator's round at global scale. The places of a
//! GeoNames file are the candidate cities, partners are generated; the round is solved cold,
//! re-solved warm after one pin and after one forbid, and asked a what-if; the same instance
//! can be written as DIMACS for the reference solvers.

use std::fmt::Write as _;
use std::io::Read;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use kota_match::flow::FlowProblem;
use kota_match::network::{Network, NetworkData};
use kota_match::profile::{City, FocusWeights, IncomeGroup, Instrument, Offer, Partner};
use kota_match::round::{CapacityChange, Constraints, Pair};
use kota_match::twinning::AssignOptions;

use super::bench::peak_rss_mib;
use super::{SOLVED, WRONG_INPUT, emit};

/// The reference generator's counter-based SplitMix64 (`../shared/bench/reference_assign.py`):
/// `uint(seed, stream, i, m)` in `[0, m)`.
pub(crate) fn uint(seed: u64, stream: u64, i: u64, m: u64) -> u64 {
    let mut z = (seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03))
        .wrapping_add((i + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    ((z >> 32) * m) >> 32
}

/// The network's focus areas (ASCN's six).
const AREAS: [&str; 6] = [
    "civic_social",
    "health_wellbeing",
    "safety_security",
    "quality_environment",
    "built_infrastructure",
    "industry_innovation",
];
const KINDS: [&str; 7] = [
    "government",
    "development_finance",
    "international",
    "private_firm",
    "public_private",
    "academia",
    "civil_society",
];
const GROUPS: [IncomeGroup; 4] = [
    IncomeGroup::Low,
    IncomeGroup::LowerMiddle,
    IncomeGroup::UpperMiddle,
    IncomeGroup::High,
];
const INSTRUMENTS: [Instrument; 6] = [
    Instrument::Grant,
    Instrument::Loan,
    Instrument::Equity,
    Instrument::TechnicalAssistance,
    Instrument::Technology,
    Instrument::Training,
];

/// Weights over the focus areas: each area kept with probability `(101 − floor) / 101`.
fn focus(seed: u64, stream: u64, i: u64, floor: u64) -> FocusWeights {
    (0..AREAS.len() as u64)
        .filter_map(|a| {
            let w = uint(seed, stream, i * 6 + a, 101);
            (w >= floor).then(|| (AREAS[a as usize].to_owned(), w as u8))
        })
        .collect()
}

/// Reads GeoNames places (tab-separated, gzip): `(geonameid, country code)`.
fn read_places(path: &Path) -> Result<Vec<(String, String)>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let mut text = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut text)
        .map_err(|e| format!("not gzip text: {e}"))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
        .map(|(n, line)| {
            let f: Vec<&str> = line.split('\t').collect();
            match (f.first(), f.get(8)) {
                (Some(id), Some(cc)) if !id.is_empty() && cc.len() == 2 => {
                    Ok((format!("g{id}"), (*cc).to_owned()))
                }
                _ => Err(format!("line {}: no id and country code", n + 1)),
            }
        })
        .collect()
}

/// The generated network: a city per place, `partners` partners.
///
/// Cities: the place's country; its income group `GROUPS[uint(seed, 20, code, 4)]` with
/// `code` the country's two letters as a number (a deterministic stand-in for the World Bank
/// table); needs over the six areas (each kept if `uint(seed, 21, …, 101) ≥ 50`);
/// `max_partners` 1–3. Partners: a kind, strengths (kept if ≥ 60), one instrument, half of
/// them 1–3 countries of interest, levels served from a 4-bit mask (0: all), capacity 1–2.
fn generate(places: &[(String, String)], partners: usize, seed: u64) -> NetworkData {
    let code = |cc: &str| cc.bytes().fold(0u64, |a, b| a * 256 + u64::from(b));
    let mut countries: Vec<&str> = places.iter().map(|p| p.1.as_str()).collect();
    countries.sort_unstable();
    countries.dedup();
    let cities = places
        .iter()
        .enumerate()
        .map(|(i, (id, cc))| City {
            id: id.clone(),
            country: cc.clone(),
            income_group: GROUPS[uint(seed, 20, code(cc), 4) as usize],
            needs: focus(seed, 21, i as u64, 50),
            max_partners: 1 + uint(seed, 22, i as u64, 3) as u32,
        })
        .collect();
    let partners = (0..partners as u64)
        .map(|j| {
            let n_countries = if uint(seed, 33, j, 2) == 0 {
                0
            } else {
                1 + uint(seed, 34, j, 3)
            };
            let mask = uint(seed, 36, j, 16);
            Partner {
                id: format!("p{j}"),
                kind: KINDS[uint(seed, 30, j, 7) as usize].into(),
                strengths: focus(seed, 31, j, 60),
                offers: vec![Offer {
                    instrument: INSTRUMENTS[uint(seed, 32, j, 6) as usize],
                    ticket_min: None,
                    ticket_max: None,
                }],
                countries: (0..n_countries)
                    .map(|x| {
                        let c = uint(seed, 35, j * 3 + x, countries.len() as u64);
                        countries[c as usize].to_owned()
                    })
                    .collect(),
                levels: (0..4)
                    .filter(|b| mask & (1 << b) != 0)
                    .map(|b| GROUPS[b])
                    .collect(),
                capacity: 1 + uint(seed, 37, j, 2) as u32,
            }
        })
        .collect();
    NetworkData {
        cities,
        partners,
        ..NetworkData::default()
    }
}

/// The round's parameters from the command line.
pub struct RoundArgs<'a> {
    /// The GeoNames file.
    pub places: &'a Path,
    /// How many partners to generate.
    pub partners: usize,
    /// Candidates per partner.
    pub k: usize,
    /// The generator's seed.
    pub seed: u64,
    /// Fair mode.
    pub fair: bool,
    /// Where to write the DIMACS exports, if anywhere.
    pub dimacs: Option<&'a Path>,
    /// Print one JSON object.
    pub json: bool,
}

/// Builds, solves and re-solves the round and prints the timings.
pub fn twinning_round(args: &RoundArgs) -> ExitCode {
    let t = Instant::now();
    let places = match read_places(args.places) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {}: {e}", args.places.display());
            return ExitCode::from(WRONG_INPUT);
        }
    };
    let read_s = t.elapsed().as_secs_f64();
    let options = AssignOptions {
        fair: args.fair,
        candidates_per_partner: Some(args.k),
        ..AssignOptions::default()
    };
    // Cold, end to end: generate the profiles, check them and build the indexes, build the
    // candidate graph and solve.
    let t = Instant::now();
    let network = match Network::new(generate(&places, args.partners, args.seed)) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(WRONG_INPUT);
        }
    };
    let build_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let (plan, mut warm) = network
        .solve_round(&options, &Constraints::default())
        .expect("a round without constraints always solves");
    let solve_s = t.elapsed().as_secs_f64();
    // One pin: the first partner's best candidate that the plan does not give it; then one
    // forbid: the plan's first pair that is not pinned.
    let first = &plan.pairs[0];
    let pin = network
        .recommend(
            kota_match::topk::Query::CitiesForPartner,
            &first.partner,
            args.k,
        )
        .expect("a known partner")
        .into_iter()
        .map(|r| Pair {
            partner: first.partner.clone(),
            target: r.id,
        })
        .find(|p| {
            !plan
                .pairs
                .iter()
                .any(|a| a.partner == p.partner && a.target == p.target)
        })
        .expect("a candidate outside the plan");
    let pinned = Constraints {
        pins: vec![pin.clone()],
        forbids: vec![],
    };
    let t = Instant::now();
    let after_pin = network
        .resolve_round(&mut warm, &pinned)
        .expect("a pin within capacity");
    let warm_pin_s = t.elapsed().as_secs_f64();
    let forbid = after_pin
        .pairs
        .iter()
        .map(|a| Pair {
            partner: a.partner.clone(),
            target: a.target.clone(),
        })
        .find(|p| *p != pin)
        .expect("a pair to forbid");
    let forbidden = Constraints {
        pins: vec![],
        forbids: vec![forbid.clone()],
    };
    let t = Instant::now();
    let after_forbid = network
        .resolve_round(&mut warm, &forbidden)
        .expect("a forbid");
    let warm_forbid_s = t.elapsed().as_secs_f64();
    let slots: Vec<CapacityChange> = plan
        .pairs
        .iter()
        .take(10)
        .map(|a| CapacityChange::Add {
            partner: a.partner.clone(),
            slots: 1,
        })
        .collect();
    let t = Instant::now();
    let what_if = network.round_what_if(&warm, &slots).expect("more slots");
    let what_if_s = t.elapsed().as_secs_f64();
    let peak = peak_rss_mib();
    // The determinism check: the same constraints solved cold give the same plan.
    let both = warm.constraints().clone();
    let t = Instant::now();
    let (cold, _) = network
        .solve_round(&options, &both)
        .expect("the same constraints");
    let cold_constrained_s = t.elapsed().as_secs_f64();
    let edges = match args.dimacs {
        Some(dir) => match export(&network, &options, dir, &pin, &forbid) {
            Ok(arcs) => Some(arcs),
            Err(e) => {
                eprintln!("error: {}: {e}", dir.display());
                return ExitCode::from(WRONG_INPUT);
            }
        },
        None => None,
    };
    let out = serde_json::json!({
        "cities": places.len(),
        "partners": args.partners,
        "k": args.k,
        "fair": args.fair,
        "arcs": edges,
        "read_s": read_s,
        "build_s": build_s,
        "cold_solve_s": solve_s,
        "cold_total_s": build_s + solve_s,
        "warm_pin_s": warm_pin_s,
        "warm_forbid_s": warm_forbid_s,
        "what_if_s": what_if_s,
        "cold_constrained_s": cold_constrained_s,
        "peak_rss_mib": peak,
        "total_score": plan.total_score,
        "targets_served": plan.targets_served,
        "pin": pin,
        "forbid": forbid,
        "total_score_pinned": after_pin.total_score,
        "total_score_pinned_forbidden": after_forbid.total_score,
        "warm_equals_cold": cold == after_forbid,
        "what_if_extra_slots": slots.len(),
        "what_if_newly_served": what_if.newly_served.len(),
        "what_if_no_longer_served": what_if.no_longer_served.len(),
    });
    if args.json {
        return emit(&format!("{out}\n"), SOLVED);
    }
    emit(
        &format!(
            "{} cities × {} partners, k = {}: cold {:.3} s (build {:.3} + solve {:.3}), warm pin {:.3} s, warm forbid {:.3} s, what-if {:.3} s, peak RSS {}; warm = cold: {}\n",
            places.len(),
            args.partners,
            args.k,
            build_s + solve_s,
            build_s,
            solve_s,
            warm_pin_s,
            warm_forbid_s,
            what_if_s,
            peak.map_or("?".into(), |m| format!("{m:.0} MiB")),
            cold == after_forbid,
        ),
        SOLVED,
    )
}

/// Writes the round as DIMACS three times (as is, with the pin, with the pin and the forbid):
/// `round.min`, `round_pin.min`, `round_pin_forbid.min`. The variants are the first with the
/// pinned arc's lower bound set to 1 and the forbidden arc left out (both pairs are among the
/// candidates). Returns the arcs of the first.
fn export(
    network: &Network,
    options: &AssignOptions,
    dir: &Path,
    pin: &Pair,
    forbid: &Pair,
) -> Result<usize, String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let base = network
        .round_flow(options, &Constraints::default())
        .map_err(|e| e.to_string())?;
    // Node 0 is the source, then the partners and the cities in input order.
    let d = network.data();
    let node = |p: &Pair| {
        let partner = d.partners.iter().position(|x| x.id == p.partner);
        let city = d.cities.iter().position(|x| x.id == p.target);
        (
            1 + partner.unwrap_or(0),
            1 + d.partners.len() + city.unwrap_or(0),
        )
    };
    let (pin, forbid) = (node(pin), node(forbid));
    let variant = |forbidden: Option<(usize, usize)>| {
        let mut f = FlowProblem::new(base.node_count());
        for (v, &s) in base.supplies().iter().enumerate() {
            f.set_supply(v, s);
        }
        for a in base.arcs() {
            let low = if (a.tail, a.head) == pin { 1 } else { a.low };
            if Some((a.tail, a.head)) != forbidden {
                f.add_arc(a.tail, a.head, low, a.cap, a.cost)
                    .expect("a valid arc");
            }
        }
        f
    };
    std::fs::write(dir.join("round.min"), dimacs(&base, "round")).map_err(|e| e.to_string())?;
    for (name, flow) in [
        ("round_pin", variant(None)),
        ("round_pin_forbid", variant(Some(forbid))),
    ] {
        std::fs::write(dir.join(format!("{name}.min")), dimacs(&flow, name))
            .map_err(|e| e.to_string())?;
    }
    Ok(base.arcs().len())
}

/// A flow problem as DIMACS text (1-based nodes).
fn dimacs(flow: &FlowProblem, name: &str) -> String {
    let mut s = format!(
        "c {name}\np min {} {}\n",
        flow.node_count(),
        flow.arcs().len()
    );
    for (v, &supply) in flow.supplies().iter().enumerate() {
        if supply != 0 {
            let _ = writeln!(s, "n {} {supply}", v + 1);
        }
    }
    for a in flow.arcs() {
        let _ = writeln!(
            s,
            "a {} {} {} {} {}",
            a.tail + 1,
            a.head + 1,
            a.low,
            a.cap,
            a.cost
        );
    }
    s
}
