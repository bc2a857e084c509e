//! The top-k cities of every partner at once: the twinning market's candidate graph.
//!
//! Each partner's list equals [`Network::recommend`]`(Query::CitiesForPartner, partner, k)`
//! exactly (same cities, scores and order, ties to the smaller id, excluded pairs skipped).
//! Cities are precomputed once as integer profiles and grouped into blocks sharing income
//! group, sought support and need pattern (which areas they need), per country and overall.
//! For a partner every term but complementarity is constant on a block, and complementarity
//! is bounded by the best need-weighted average the pattern's need ranges allow, so blocks
//! are visited best bound first and skipped (or left early, in id order) once they cannot
//! beat the k-th best. Partners are spread over threads; the output does not depend on them.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::network::Network;
use crate::profile::{Partner, Seek};
use crate::topk::Recommendation;

/// Partners per unit of work handed to a thread.
const CHUNK: usize = 256;

/// A set of cities sharing income group, sought support and need pattern, in id order.
struct Block {
    income: u8,
    seeks: u8,
    pattern: u32,
    /// The country whose cities these are (`None`: a block over all countries).
    country: Option<u32>,
    /// The rank of its first city.
    first: u32,
    cities: Vec<u32>,
}

/// Which areas a city needs, with the smallest and largest need per area (0 if not needed).
struct Pattern {
    lo: Vec<u32>,
    hi: Vec<u32>,
}

/// The cities as the twinning score sees them, with their blocks.
struct Cities {
    areas: usize,
    /// Per city, `areas` needs (each capped at 100).
    needs: Vec<u32>,
    total: Vec<u32>,
    /// Position in id order (ties go to the smaller id).
    rank: Vec<u32>,
    country: Vec<u32>,
    /// Country code (upper case) → index.
    countries: HashMap<String, u32>,
    patterns: Vec<Pattern>,
    /// Blocks over all countries (the first `global`), then per-country blocks by country.
    blocks: Vec<Block>,
    global: usize,
    /// Per country, its range of `blocks`.
    by_country: Vec<std::ops::Range<usize>>,
    /// Excluded (partner, city) index pairs.
    excluded: HashSet<(u32, u32)>,
}

/// A bit per kind of support, in [`Seek::ALL`] order.
fn seek_bit(s: Seek) -> u8 {
    1 << Seek::ALL.iter().position(|&x| x == s).unwrap_or(0)
}

/// The levels a partner serves as a bit per income group (all when it states none).
fn levels_mask(p: &Partner) -> u8 {
    match p.levels.iter().fold(0u8, |m, &l| m | 1 << (l as u8)) {
        0 => u8::MAX,
        m => m,
    }
}

impl Cities {
    fn build(n: &Network) -> Self {
        let d = n.data();
        let areas = n.area_count();
        let mut needs = Vec::with_capacity(d.cities.len() * areas);
        let mut total = Vec::with_capacity(d.cities.len());
        let mut country = Vec::with_capacity(d.cities.len());
        let mut countries: HashMap<String, u32> = HashMap::new();
        let mut pattern_of: BTreeMap<Vec<bool>, u32> = BTreeMap::new();
        let mut patterns: Vec<Pattern> = Vec::new();
        let mut keys = Vec::with_capacity(d.cities.len());
        for (c, city) in d.cities.iter().enumerate() {
            let v = n.area_vector(&city.needs);
            let next = countries.len() as u32;
            let k = *countries
                .entry(city.country.to_ascii_uppercase())
                .or_insert(next);
            country.push(k);
            let next = patterns.len() as u32;
            let pi = *pattern_of
                .entry(v.iter().map(|&x| x > 0).collect())
                .or_insert(next);
            if pi == next {
                patterns.push(Pattern {
                    lo: v.clone(),
                    hi: v.clone(),
                });
            }
            let pat = &mut patterns[pi as usize];
            for (a, &x) in v.iter().enumerate() {
                pat.lo[a] = pat.lo[a].min(x);
                pat.hi[a] = pat.hi[a].max(x);
            }
            let seeks = n.city_seeks(c).iter().fold(0u8, |m, &s| m | seek_bit(s));
            keys.push((city.income_group as u8, seeks, pi));
            total.push(v.iter().sum());
            needs.extend(v);
        }
        let mut order: Vec<u32> = (0..d.cities.len() as u32).collect();
        order.sort_by(|&a, &b| d.cities[a as usize].id.cmp(&d.cities[b as usize].id));
        let mut rank = vec![0u32; d.cities.len()];
        for (r, &c) in order.iter().enumerate() {
            rank[c as usize] = r as u32;
        }
        let mut grouped: BTreeMap<(Option<u32>, u8, u8, u32), Vec<u32>> = BTreeMap::new();
        for &c in &order {
            let (income, seeks, pattern) = keys[c as usize];
            for k in [None, Some(country[c as usize])] {
                grouped
                    .entry((k, income, seeks, pattern))
                    .or_default()
                    .push(c);
            }
        }
        let mut by_country = vec![0..0; countries.len()];
        let mut blocks = Vec::with_capacity(grouped.len());
        for ((k, income, seeks, pattern), cities) in grouped {
            if let Some(k) = k {
                let r = &mut by_country[k as usize];
                if r.end == 0 {
                    r.start = blocks.len();
                }
                r.end = blocks.len() + 1;
            }
            blocks.push(Block {
                income,
                seeks,
                pattern,
                country: k,
                first: rank[cities[0] as usize],
                cities,
            });
        }
        let global = blocks.iter().filter(|b| b.country.is_none()).count();
        let excluded = d
            .exclusions
            .iter()
            .filter_map(|e| {
                let p = n.partner_index(&e.partner).ok()?;
                let c = n.city_index(&e.target).ok()?;
                Some((p as u32, c as u32))
            })
            .collect();
        Self {
            areas,
            needs,
            total,
            rank,
            country,
            countries,
            patterns,
            blocks,
            global,
            by_country,
            excluded,
        }
    }

    /// `complementarity` of strengths `s` (over the areas, capped) and city `c`.
    fn complementarity(&self, s: &[u32], c: usize) -> u32 {
        let total = self.total[c];
        if total == 0 {
            return 0;
        }
        let needs = &self.needs[c * self.areas..(c + 1) * self.areas];
        needs.iter().zip(s).map(|(n, s)| n * s).sum::<u32>() / total
    }

    /// The largest complementarity any city of pattern `p` can have with strengths `s`, areas
    /// given by decreasing strength: the best need-weighted average with each need within its
    /// range (largest needs on the strongest areas; a threshold over `by_strength`).
    fn complementarity_bound(&self, s: &[u32], by_strength: &[usize], p: &Pattern) -> u32 {
        let mut num: u32 = p.lo.iter().zip(s).map(|(l, s)| l * s).sum();
        let mut den: u32 = p.lo.iter().sum();
        if den == 0 {
            return 0;
        }
        let mut best = num / den;
        for &a in by_strength {
            let extra = p.hi[a] - p.lo[a];
            num += extra * s[a];
            den += extra;
            best = best.max(num / den);
        }
        best
    }

    /// The top-k (city, score) of partner `p`, best first, ties to the smaller id.
    fn top_k(&self, n: &Network, p: usize, k: usize, scratch: &mut Scratch) -> TopK {
        if k == 0 {
            return Vec::new();
        }
        let w = &n.data().weights.twinning;
        let partner = &n.data().partners[p];
        let s = n.area_vector(&partner.strengths);
        let mut by_strength: Vec<usize> = (0..self.areas).filter(|&a| s[a] > 0).collect();
        by_strength.sort_by_key(|&a| Reverse(s[a]));
        let bounds: Vec<i64> = self
            .patterns
            .iter()
            .map(|pat| {
                i64::from(w.complementarity)
                    * i64::from(self.complementarity_bound(&s, &by_strength, pat))
            })
            .collect();
        let levels = levels_mask(partner);
        let answered = Seek::ALL
            .iter()
            .filter(|s| partner.offers.iter().any(|o| s.answered_by(o.instrument)))
            .fold(0u8, |m, &s| m | seek_bit(s));
        let interest = &mut scratch.interest;
        interest.clear();
        interest.resize(self.countries.len(), false);
        let mut of_interest: Vec<u32> = partner
            .countries
            .iter()
            .filter_map(|c| self.countries.get(&c.to_ascii_uppercase()).copied())
            .collect();
        of_interest.sort_unstable();
        of_interest.dedup();
        for &c in &of_interest {
            interest[c as usize] = true;
        }
        let elsewhere = if partner.countries.is_empty() { 50 } else { 0 };
        let constant = |b: &Block| {
            let dev = if levels & (1 << b.income) != 0 {
                100
            } else {
                0
            };
            let ci = if b.country.is_some() { 100 } else { elsewhere };
            let wanted = b.seeks.count_ones();
            let offer = ((b.seeks & answered).count_ones() * 100)
                .checked_div(wanted)
                .unwrap_or(50);
            i64::from(w.development_fit) * dev
                + i64::from(w.country_interest) * ci
                + i64::from(w.offer_fit) * i64::from(offer)
        };
        let mut visits = std::collections::BinaryHeap::from(std::mem::take(&mut scratch.visits));
        let global = self.blocks[..self.global].iter().enumerate();
        let local = of_interest
            .iter()
            .flat_map(|&c| self.by_country[c as usize].clone())
            .map(|i| (i, &self.blocks[i]));
        for (i, b) in global.chain(local) {
            let bound = constant(b) + bounds[b.pattern as usize];
            visits.push((bound, Reverse(b.first), i as u32));
        }
        // (score, reversed rank, city), best first: the k-th is the entry to beat.
        let mut best: Vec<(i64, Reverse<u32>, u32)> = Vec::with_capacity(k + 1);
        let wc = i64::from(w.complementarity);
        while let Some((bound, _, i)) = visits.pop() {
            if best.len() == k && bound < best[k - 1].0 {
                break;
            }
            let b = &self.blocks[i as usize];
            let constant = constant(b);
            let skip_interest = b.country.is_none() && !of_interest.is_empty();
            for &c in &b.cities {
                let r = Reverse(self.rank[c as usize]);
                if best.len() == k && (bound, r) < (best[k - 1].0, best[k - 1].1) {
                    break;
                }
                if skip_interest && interest[self.country[c as usize] as usize] {
                    continue;
                }
                let score = constant + wc * i64::from(self.complementarity(&s, c as usize));
                if best.len() == k && (score, r) <= (best[k - 1].0, best[k - 1].1) {
                    continue;
                }
                if self.excluded.contains(&(p as u32, c)) {
                    continue;
                }
                let at = best.partition_point(|&(s2, r2, _)| (s2, r2) > (score, r));
                best.insert(at, (score, r, c));
                best.truncate(k);
            }
        }
        visits.clear();
        scratch.visits = visits.into_vec();
        best.into_iter().map(|(score, _, c)| (c, score)).collect()
    }
}

/// A partner's top-k: (city index, score), best first.
type TopK = Vec<(u32, i64)>;

/// Per-thread buffers reused across partners.
#[derive(Default)]
struct Scratch {
    interest: Vec<bool>,
    /// (bound, reversed first rank, block) per block to visit.
    visits: Vec<(i64, Reverse<u32>, u32)>,
}

impl Network {
    /// The top-k (city index, score) of every partner, in partner order: each list is
    /// `recommend(Query::CitiesForPartner, partner, k)`, computed in bulk and in parallel.
    pub(crate) fn top_cities_by_partner(&self, k: usize) -> Vec<TopK> {
        let cities = Cities::build(self);
        let partners = self.data().partners.len();
        let chunks = partners.div_ceil(CHUNK);
        let next = AtomicUsize::new(0);
        let threads = std::thread::available_parallelism()
            .map_or(1, |t| t.get())
            .min(chunks.max(1));
        let mut done: Vec<(usize, Vec<TopK>)> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    scope.spawn(|| {
                        let mut scratch = Scratch::default();
                        let mut out = Vec::new();
                        loop {
                            let chunk = next.fetch_add(1, Ordering::Relaxed);
                            if chunk >= chunks {
                                return out;
                            }
                            let range = chunk * CHUNK..((chunk + 1) * CHUNK).min(partners);
                            let lists = range
                                .map(|p| cities.top_k(self, p, k, &mut scratch))
                                .collect();
                            out.push((chunk, lists));
                        }
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().expect("a candidate worker panicked"))
                .collect()
        });
        done.sort_unstable_by_key(|(chunk, _)| *chunk);
        done.into_iter().flat_map(|(_, lists)| lists).collect()
    }

    /// The k best cities of every partner, in partner order: for each partner exactly
    /// [`Network::recommend`]`(Query::CitiesForPartner, partner, k)`, computed in bulk.
    pub fn recommend_cities_for_all_partners(&self, k: usize) -> Vec<Vec<Recommendation>> {
        let d = self.data();
        self.top_cities_by_partner(k)
            .into_iter()
            .map(|list| {
                list.into_iter()
                    .map(|(c, score)| Recommendation {
                        id: d.cities[c as usize].id.clone(),
                        score,
                    })
                    .collect()
            })
            .collect()
    }
}
