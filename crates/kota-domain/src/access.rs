//! Who may do what: roles, the principal acting, and the ownership rules every write is
//! checked against (one place, used by the service layer, never only by templates).

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

/// What part of the network a person acts for: each role with exactly what binds it, so
/// that an officer without a city cannot be represented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Officer of the city with this id.
    CityOfficer {
        /// The city.
        city_id: Uuid,
    },
    /// National representative of the member state with this ISO alpha-2 code.
    NationalRepresentative {
        /// The member state.
        state_iso2: String,
    },
    /// Representative of the partner with this id.
    PartnerRepresentative {
        /// The partner.
        partner_id: Uuid,
    },
    /// Coordinator of the network.
    Coordinator,
    /// Administrator of the installation.
    Admin,
}

impl Scope {
    /// The role this scope belongs to.
    pub fn role(&self) -> Role {
        match self {
            Self::CityOfficer { .. } => Role::CityOfficer,
            Self::NationalRepresentative { .. } => Role::NationalRepresentative,
            Self::PartnerRepresentative { .. } => Role::PartnerRepresentative,
            Self::Coordinator => Role::Coordinator,
            Self::Admin => Role::Admin,
        }
    }
}

/// The signed-in person (or the owner of the API token) a request acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The user.
    pub user_id: Uuid,
    /// Their e-mail address (their login): shown only on their own account pages.
    pub email: String,
    /// The name others see.
    pub name: String,
    /// The name of the city, member state or partner they act for (none for coordinators
    /// and administrators).
    pub place: Option<String>,
    /// What they act for.
    pub scope: Scope,
}

impl Principal {
    /// Their role.
    pub fn role(&self) -> Role {
        self.scope.role()
    }

    /// How others see them where they are recorded (plan versions, project updates, the
    /// audit log): name, role in words and the place they act for, e.g. "Nguyen Van A, city
    /// officer, Da Nang" or "Nguyen Van A, coordinator". Never their e-mail address.
    pub fn public_label(&self) -> String {
        let role = self.role().label().to_lowercase();
        match &self.place {
            Some(place) => format!("{}, {role}, {place}", self.name),
            None => format!("{}, {role}", self.name),
        }
    }

    /// Whether this is a coordinator of the network.
    pub fn is_coordinator(&self) -> bool {
        self.scope == Scope::Coordinator
    }

    /// Whether this is an administrator of the installation.
    pub fn is_admin(&self) -> bool {
        self.scope == Scope::Admin
    }

    /// The city a city officer belongs to.
    pub fn city_id(&self) -> Option<Uuid> {
        match self.scope {
            Scope::CityOfficer { city_id } => Some(city_id),
            _ => None,
        }
    }

    /// The partner a partner representative belongs to.
    pub fn partner_id(&self) -> Option<Uuid> {
        match self.scope {
            Scope::PartnerRepresentative { partner_id } => Some(partner_id),
            _ => None,
        }
    }

    /// Whether they may edit a city (profile, action plan, projects, stories) of `country`.
    pub fn may_edit_city(&self, city_id: Uuid, country_iso2: &str) -> bool {
        match &self.scope {
            Scope::Coordinator => true,
            Scope::CityOfficer { city_id: own } => *own == city_id,
            Scope::NationalRepresentative { state_iso2 } => state_iso2 == country_iso2,
            Scope::PartnerRepresentative { .. } | Scope::Admin => false,
        }
    }

    /// Whether they may edit a partner's profile and offers.
    pub fn may_edit_partner(&self, partner_id: Uuid) -> bool {
        match &self.scope {
            Scope::Coordinator => true,
            Scope::PartnerRepresentative { partner_id: own } => *own == partner_id,
            _ => false,
        }
    }

    /// Whether they may manage the network itself: member cities, the framework, events.
    pub fn may_manage_network(&self) -> bool {
        self.is_coordinator()
    }

    /// Whether they may read the audit log.
    pub fn may_read_audit(&self) -> bool {
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

    fn principal(scope: Scope) -> Principal {
        Principal {
            user_id: Uuid::nil(),
            email: "a@example.org".into(),
            name: "A".into(),
            place: None,
            scope,
        }
    }

    #[test]
    fn the_public_label_names_the_person_role_and_place() {
        let officer = Principal {
            user_id: Uuid::nil(),
            email: "a.nguyen@danang.gov.vn".into(),
            name: "Nguyen Van A".into(),
            place: Some("Da Nang".into()),
            scope: Scope::CityOfficer {
                city_id: Uuid::from_u128(1),
            },
        };
        assert_eq!(
            officer.public_label(),
            "Nguyen Van A, city officer, Da Nang"
        );
        let national = Principal {
            place: Some("Viet Nam".into()),
            scope: Scope::NationalRepresentative {
                state_iso2: "VN".into(),
            },
            ..officer.clone()
        };
        assert_eq!(
            national.public_label(),
            "Nguyen Van A, national representative, Viet Nam"
        );
        let coordinator = Principal {
            place: None,
            scope: Scope::Coordinator,
            ..officer
        };
        assert_eq!(coordinator.public_label(), "Nguyen Van A, coordinator");
        assert!(!coordinator.public_label().contains('@'));
    }

    #[test]
    fn each_role_edits_only_what_is_theirs() {
        let bangkok = Uuid::from_u128(1);
        let phuket = Uuid::from_u128(2);
        let jakarta = Uuid::from_u128(3);
        let officer = principal(Scope::CityOfficer { city_id: bangkok });
        assert!(officer.may_edit_city(bangkok, "TH"));
        assert!(!officer.may_edit_city(phuket, "TH"));
        let national = principal(Scope::NationalRepresentative {
            state_iso2: "TH".into(),
        });
        assert!(national.may_edit_city(phuket, "TH"));
        assert!(!national.may_edit_city(jakarta, "ID"));
        let partner = Uuid::from_u128(9);
        let rep = principal(Scope::PartnerRepresentative {
            partner_id: partner,
        });
        assert!(rep.may_edit_partner(partner));
        assert!(!rep.may_edit_partner(Uuid::from_u128(8)));
        assert!(!rep.may_edit_city(bangkok, "TH"));
        let coordinator = principal(Scope::Coordinator);
        assert!(coordinator.may_edit_city(jakarta, "ID") && coordinator.may_edit_partner(partner));
        assert!(coordinator.may_manage_network() && !coordinator.may_manage_users());
        let admin = principal(Scope::Admin);
        assert!(!admin.may_edit_city(bangkok, "TH") && !admin.may_edit_partner(partner));
        assert!(admin.may_manage_users() && !admin.may_manage_network());
        assert!(!may_see_city_confidential(None, bangkok, "TH"));
        assert!(may_see_city_confidential(Some(&officer), bangkok, "TH"));
        assert!(!may_see_partner_confidential(Some(&officer), partner));
    }
}
