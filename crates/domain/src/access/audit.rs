//! The access log of a unit.

use super::{Actor, Capability, Denied, Ground};
use crate::admin::user::Role;
use crate::ids::{UnitId, UserId};

/// May read the access log of one unit.
#[derive(Debug)]
pub struct UnitAccessLogReader {
    actor: UserId,
    unit_id: UnitId,
}

impl UnitAccessLogReader {
    pub fn unit_id(&self) -> UnitId {
        self.unit_id
    }
}
capability!(UnitAccessLogReader, |s| Some(s.actor), Ground::UnitLeader);

impl Actor {
    /// Read a unit's access log: the unit's leader only. Neither the
    /// municipality administrator nor the system administrator may, since the
    /// log shows which children's records were opened.
    pub fn read_unit_access_log(&self, unit_id: UnitId) -> Result<UnitAccessLogReader, Denied> {
        if self.holds(Role::Leder, unit_id) {
            Ok(UnitAccessLogReader {
                actor: self.user_id,
                unit_id,
            })
        } else {
            Err(Denied)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Membership;
    use crate::access::test_support::actor;
    use crate::ids::MunicipalityId;

    #[test]
    fn only_the_units_leader_reads_its_access_log() {
        let m = MunicipalityId::new();
        let unit = UnitId::new();
        let leader = actor(
            false,
            vec![Membership {
                municipality_id: m,
                unit_id: Some(unit),
                role: Role::Leder,
            }],
        );
        assert!(leader.read_unit_access_log(unit).is_ok());
        assert_eq!(
            leader.read_unit_access_log(UnitId::new()).err(),
            Some(Denied)
        );

        let staff = actor(
            false,
            vec![Membership {
                municipality_id: m,
                unit_id: Some(unit),
                role: Role::Ansatt,
            }],
        );
        assert_eq!(staff.read_unit_access_log(unit).err(), Some(Denied));
        let admin = actor(
            true,
            vec![Membership {
                municipality_id: m,
                unit_id: None,
                role: Role::Kommuneadministrator,
            }],
        );
        assert_eq!(admin.read_unit_access_log(unit).err(), Some(Denied));
    }
}
