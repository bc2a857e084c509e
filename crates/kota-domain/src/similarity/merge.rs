//! Merging two records of one project: the survivor keeps both sources, the union of report
//! years, every status as reported, and the other title as an alias.

use crate::access::Principal;
use crate::project::{MergedRecord, Project, ReportedStatus};

/// Whether `who` may see the merge candidates of `project`'s city and merge its records:
/// coordinators and the city's own officers, who know which record is which.
pub fn may_merge(who: &Principal, project: &Project) -> bool {
    may_merge_in(who, project.city.id)
}

/// Whether `who` may see the merge candidates of the city `city` and merge its records.
pub fn may_merge_in(who: &Principal, city: uuid::Uuid) -> bool {
    who.is_coordinator() || who.city_id() == Some(city)
}

/// Why `merged` cannot be merged into `survivor`, in words; none when it can.
pub fn refusal(merged: &Project, survivor: &Project) -> Option<String> {
    if merged.id == survivor.id {
        return Some("A project cannot be merged into itself".into());
    }
    if merged.city.id != survivor.city.id {
        return Some(format!(
            "Only records of one city can be merged: \"{}\" is a project of {}, \"{}\" of {}",
            merged.title, merged.city.name, survivor.title, survivor.city.name
        ));
    }
    None
}

/// `survivor` with `merged` folded into it: `merged`'s listing (title, source, status and
/// report years) kept among its records, the union of report years and focus areas, the
/// latest report's status, and `merged`'s titles as aliases.
pub fn merge(merged: &Project, survivor: &Project) -> Project {
    let mut after = survivor.clone();
    let mut titles = vec![merged.title.clone()];
    titles.extend(merged.aliases.iter().cloned());
    for t in titles {
        if t != after.title && !after.aliases.contains(&t) {
            after.aliases.push(t);
        }
    }
    after.merged_records.push(MergedRecord::of(merged));
    after
        .merged_records
        .extend(merged.merged_records.iter().cloned());
    (after.report_years, after.reported_status) = with_listings(
        &survivor.report_years,
        survivor.reported_status,
        &[MergedRecord::of(merged)],
    );
    for f in &merged.focus_areas {
        if !after.focus_areas.contains(f) {
            after.focus_areas.push(f.clone());
        }
    }
    after.version = survivor.version + 1;
    after
}

/// The report years and status of a project reported in `years` with `status`, once the
/// `listings` merged into it are counted: the union of years, and the status of the latest
/// report that gave one (the project's own on a tie).
pub fn with_listings(
    years: &[i32],
    status: Option<ReportedStatus>,
    listings: &[MergedRecord],
) -> (Vec<i32>, Option<ReportedStatus>) {
    let mut all = years.to_vec();
    let mut latest = (years.iter().max().copied(), status);
    for listing in listings {
        all.extend(&listing.report_years);
        let its = listing.report_years.iter().max().copied();
        if listing.reported_status.is_some() && (latest.1.is_none() || its > latest.0) {
            latest = (its, listing.reported_status);
        }
    }
    all.sort_unstable();
    all.dedup();
    (all, latest.1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::{ProjectOrigin, ReportedStatus};
    use crate::seed;

    fn network() -> Vec<Project> {
        seed::parse(
            "ascn_seed.json",
            include_str!("../../../../data/ascn/ascn_seed.json"),
        )
        .map(|n| n.projects)
        .unwrap_or_default()
    }

    #[test]
    fn listings_add_their_years_and_the_latest_report_gives_the_status() {
        let listing = |years: Vec<i32>, status| MergedRecord {
            slug: "old".into(),
            title: "Old".into(),
            origin: ProjectOrigin::ActionPlan2018,
            source: network()[0].source.clone(),
            reported_status: status,
            report_years: years,
        };
        let (years, status) = with_listings(
            &[2019, 2020],
            Some(ReportedStatus::OngoingOrPlanning),
            &[listing(vec![2021, 2019], Some(ReportedStatus::Completed))],
        );
        assert_eq!(years, [2019, 2020, 2021]);
        assert_eq!(status, Some(ReportedStatus::Completed));
        let (_, status) = with_listings(
            &[2021],
            Some(ReportedStatus::OngoingOrPlanning),
            &[listing(vec![2021], Some(ReportedStatus::Completed))],
        );
        assert_eq!(
            status,
            Some(ReportedStatus::OngoingOrPlanning),
            "the own report wins a tie"
        );
        let (years, status) = with_listings(&[], None, &[listing(vec![2020], None)]);
        assert_eq!((years, status), (vec![2020], None));
    }

    #[test]
    fn a_merge_keeps_both_listings_years_and_the_other_title() {
        let all = network();
        let find = |t: &str| all.iter().find(|p| p.title == t).cloned();
        let (Some(plan), Some(report)) = (
            find("Revitalise Kampong Ayer (Water Village)"),
            find("Revitalisation of Kampong Ayer (Water Village)"),
        ) else {
            panic!("the seed lists both records");
        };
        assert_eq!(refusal(&plan, &report), None);
        let after = merge(&plan, &report);
        assert_eq!(after.id, report.id);
        assert_eq!(after.aliases, ["Revitalise Kampong Ayer (Water Village)"]);
        assert_eq!(after.report_years, report.report_years);
        assert_eq!(after.merged_records.len(), 1);
        assert_eq!(
            after.merged_records[0].origin,
            ProjectOrigin::ActionPlan2018
        );
        assert_eq!(after.merged_records[0].source, plan.source);
        assert_eq!(after.reported_status, report.reported_status);
        assert_eq!(after.version, report.version + 1);
        assert_eq!(
            refusal(&plan, &plan).as_deref(),
            Some("A project cannot be merged into itself")
        );
    }

    #[test]
    fn the_latest_report_gives_the_status() {
        let all = network();
        let mut old = all[2].clone();
        let mut new = all[3].clone();
        old.report_years = vec![2022];
        old.reported_status = Some(ReportedStatus::OngoingOrPlanning);
        new.report_years = vec![2024, 2025];
        new.reported_status = Some(ReportedStatus::Completed);
        let after = merge(&new, &old);
        assert_eq!(after.report_years, [2022, 2024, 2025]);
        assert_eq!(after.reported_status, Some(ReportedStatus::Completed));
    }
}
