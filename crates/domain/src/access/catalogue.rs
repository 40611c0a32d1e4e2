//! The catalogue of offers: who edits a unit's offers, who reviews a
//! municipality's proposed changes.

use super::{Actor, Capability, Denied, Ground, MunicipalityAdmin};
use crate::admin::user::Role;
use crate::ids::{MunicipalityId, UnitId, UserId};

/// Where a catalogue writer may act.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfferScope {
    /// Offers provided by this unit (a tiltaksredaktør).
    Unit(UnitId),
    /// Every offer of the municipality (its administrator, importing).
    Municipality(MunicipalityId),
}

/// May create and change offers in the catalogue, within a scope.
pub trait EditsOffers: Capability {
    fn offer_scope(&self) -> OfferScope;
}

impl EditsOffers for MunicipalityAdmin {
    fn offer_scope(&self) -> OfferScope {
        OfferScope::Municipality(self.municipality_id())
    }
}

/// May edit the offers of one unit (tiltaksredaktør).
#[derive(Debug)]
pub struct OfferEditor {
    actor: UserId,
    unit_id: UnitId,
    municipality_id: MunicipalityId,
}

impl OfferEditor {
    pub fn unit_id(&self) -> UnitId {
        self.unit_id
    }
    /// The municipality in which the editor holds the role.
    pub fn municipality_id(&self) -> MunicipalityId {
        self.municipality_id
    }
}

impl EditsOffers for OfferEditor {
    fn offer_scope(&self) -> OfferScope {
        OfferScope::Unit(self.unit_id)
    }
}

/// May comment on, approve and reject proposed changes to a municipality's
/// offers (the coordinating unit, koordinerende enhet).
#[derive(Debug)]
pub struct CatalogueReviewer {
    actor: UserId,
    municipality_id: MunicipalityId,
}

impl CatalogueReviewer {
    pub fn municipality_id(&self) -> MunicipalityId {
        self.municipality_id
    }
}

capability!(OfferEditor, |s| Some(s.actor), Ground::OfferEditor);
capability!(
    CatalogueReviewer,
    |s| Some(s.actor),
    Ground::CoordinatingUnit
);

impl Actor {
    /// Edit the offers a unit provides: its tiltaksredaktør.
    pub fn edit_offers_of(&self, unit_id: UnitId) -> Result<OfferEditor, Denied> {
        let m = self
            .memberships
            .iter()
            .find(|m| m.role == Role::Tiltaksredaktor && m.unit_id == Some(unit_id))
            .ok_or(Denied)?;
        Ok(OfferEditor {
            actor: self.user_id,
            unit_id,
            municipality_id: m.municipality_id,
        })
    }

    /// The units whose offers this user edits.
    pub fn edited_units(&self) -> Vec<UnitId> {
        self.memberships
            .iter()
            .filter(|m| m.role == Role::Tiltaksredaktor)
            .filter_map(|m| m.unit_id)
            .collect()
    }

    /// Review changes to a municipality's catalogue: members of the
    /// coordinating unit in that municipality.
    pub fn review_catalogue(
        &self,
        municipality_id: MunicipalityId,
    ) -> Result<CatalogueReviewer, Denied> {
        let member = self
            .memberships
            .iter()
            .any(|m| m.role == Role::KoordinerendeEnhet && m.municipality_id == municipality_id);
        if member {
            Ok(CatalogueReviewer {
                actor: self.user_id,
                municipality_id,
            })
        } else {
            Err(Denied)
        }
    }

    /// The municipalities whose catalogue this user reviews.
    pub fn reviewed_municipalities(&self) -> Vec<MunicipalityId> {
        let mut ids: Vec<_> = self
            .memberships
            .iter()
            .filter(|m| m.role == Role::KoordinerendeEnhet)
            .map(|m| m.municipality_id)
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Membership;
    use crate::access::test_support::actor;

    #[test]
    fn editors_edit_their_units_offers_and_the_coordinating_unit_reviews() {
        let m = MunicipalityId::new();
        let unit = UnitId::new();
        let editor = actor(
            false,
            vec![Membership {
                municipality_id: m,
                unit_id: Some(unit),
                role: Role::Tiltaksredaktor,
            }],
        );
        assert!(
            matches!(editor.edit_offers_of(unit), Ok(ref e) if e.offer_scope() == OfferScope::Unit(unit))
        );
        assert!(editor.edit_offers_of(UnitId::new()).is_err());
        assert!(editor.review_catalogue(m).is_err());
        let ke = actor(
            false,
            vec![Membership {
                municipality_id: m,
                unit_id: Some(UnitId::new()),
                role: Role::KoordinerendeEnhet,
            }],
        );
        assert!(
            matches!(ke.review_catalogue(m), Ok(ref r) if r.ground() == Ground::CoordinatingUnit)
        );
        assert!(ke.review_catalogue(MunicipalityId::new()).is_err());
        assert!(ke.edit_offers_of(unit).is_err());
        let leader = actor(
            false,
            vec![Membership {
                municipality_id: m,
                unit_id: Some(unit),
                role: Role::Leder,
            }],
        );
        assert!(leader.edit_offers_of(unit).is_err());
    }
}
