//! Merging two records of one project: the survivor keeps both sources, the union of report
//! years, every status as reported, and the other title as an alias.

use crate::access::Principal;
use crate::project::{MergedRecord, Project};

/// Whether `who` may see the merge candidates of `project`'s city and merge its records:
/// coordinators and the people who edit the city (its officers, its national representative).
pub fn may_merge(who: &Principal, project: &Project) -> bool {
    who.may_edit_city(project.city.id, &project.city.country_iso2)
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
    for y in &merged.report_years {
        if !after.report_years.contains(y) {
            after.report_years.push(*y);
        }
    }
    after.report_years.sort_unstable();
    for f in &merged.focus_areas {
        if !after.focus_areas.contains(f) {
            after.focus_areas.push(f.clone());
        }
    }
    let latest = |p: &Project| p.report_years.iter().max().copied();
    if after.reported_status.is_none()
        || (merged.reported_status.is_some() && latest(merged) > latest(survivor))
    {
        after.reported_status = merged.reported_status.or(after.reported_status);
    }
    after.version = survivor.version + 1;
    after
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
