//! Who may do what: roles, the principal acting, and the ownership rules every write is
//! checked against (one place, used by the service layer, never only by templates).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

crate::vocabulary! {
    /// A person's role in the network.
    pub enum Role {
        /// Officer of one city (Chief Smart City Officer and staff).
        CityOfficer = ("city_officer", "City officer"),
        /// National representative of one member state.
        NationalRepresentative = ("national_representative", "National representative"),
        /// Representative of one partner organisation.
        PartnerRepresentative = ("partner_representative", "Partner representative"),
        /// Coordinator of the network.
        Coordinator = ("coordinator", "Coordinator"),
        /// Administrator of the installation: users, API tokens, backups; no content rights.
        Admin = ("admin", "Administrator"),
    }
}

/// The signed-in person (or the owner of the API token) a request acts for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Principal {
    /// The user.
    pub user_id: Uuid,
    /// Their e-mail address (their login).
    pub email: String,
    /// Their role.
    pub role: Role,
    /// The city a city officer belongs to.
    pub city_id: Option<Uuid>,
    /// The member state a national representative belongs to.
    pub state_iso2: Option<String>,
    /// The partner a partner representative belongs to.
    pub partner_id: Option<Uuid>,
}

impl Principal {
    /// Whether this is a coordinator of the network.
    pub fn is_coordinator(&self) -> bool {
        self.role == Role::Coordinator
    }

    /// Whether this is an administrator of the installation.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Whether they may edit a city (profile, action plan, projects, stories) of `country`.
    pub fn may_edit_city(&self, city_id: Uuid, country_iso2: &str) -> bool {
        match self.role {
            Role::Coordinator => true,
            Role::CityOfficer => self.city_id == Some(city_id),
            Role::NationalRepresentative => self.state_iso2.as_deref() == Some(country_iso2),
            Role::PartnerRepresentative | Role::Admin => false,
        }
    }

    /// Whether they may edit a partner's profile and offers.
    pub fn may_edit_partner(&self, partner_id: Uuid) -> bool {
        match self.role {
            Role::Coordinator => true,
            Role::PartnerRepresentative => self.partner_id == Some(partner_id),
            _ => false,
        }
    }

    /// Whether they may manage the network itself: member cities, the framework, events.
    pub fn may_manage_network(&self) -> bool {
        self.is_coordinator()
    }

    /// Whether they may manage users and API tokens of others.
    pub fn may_manage_users(&self) -> bool {
        self.is_admin()
    }
}

/// Whether the principal (if any) may see a city's confidential fields.
pub fn may_see_city_confidential(
    who: Option<&Principal>,
    city_id: Uuid,
    country_iso2: &str,
) -> bool {
    who.is_some_and(|p| p.may_edit_city(city_id, country_iso2))
}

/// Whether the principal (if any) may see a partner's confidential fields.
pub fn may_see_partner_confidential(who: Option<&Principal>, partner_id: Uuid) -> bool {
    who.is_some_and(|p| p.may_edit_partner(partner_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(role: Role) -> Principal {
        Principal {
            user_id: Uuid::nil(),
            email: "a@example.org".into(),
            role,
            city_id: None,
            state_iso2: None,
            partner_id: None,
        }
    }

    #[test]
    fn each_role_edits_only_what_is_theirs() {
        let bangkok = Uuid::from_u128(1);
        let phuket = Uuid::from_u128(2);
        let jakarta = Uuid::from_u128(3);
        let officer = Principal {
            city_id: Some(bangkok),
            ..principal(Role::CityOfficer)
        };
        assert!(officer.may_edit_city(bangkok, "TH"));
        assert!(!officer.may_edit_city(phuket, "TH"));
        let national = Principal {
            state_iso2: Some("TH".into()),
            ..principal(Role::NationalRepresentative)
        };
        assert!(national.may_edit_city(phuket, "TH"));
        assert!(!national.may_edit_city(jakarta, "ID"));
        let partner = Uuid::from_u128(9);
        let rep = Principal {
            partner_id: Some(partner),
            ..principal(Role::PartnerRepresentative)
        };
        assert!(rep.may_edit_partner(partner));
        assert!(!rep.may_edit_partner(Uuid::from_u128(8)));
        assert!(!rep.may_edit_city(bangkok, "TH"));
        let coordinator = principal(Role::Coordinator);
        assert!(coordinator.may_edit_city(jakarta, "ID") && coordinator.may_edit_partner(partner));
        assert!(coordinator.may_manage_network() && !coordinator.may_manage_users());
        let admin = principal(Role::Admin);
        assert!(!admin.may_edit_city(bangkok, "TH") && !admin.may_edit_partner(partner));
        assert!(admin.may_manage_users() && !admin.may_manage_network());
        assert!(!may_see_city_confidential(None, bangkok, "TH"));
        assert!(may_see_city_confidential(Some(&officer), bangkok, "TH"));
        assert!(!may_see_partner_confidential(Some(&officer), partner));
    }
}
