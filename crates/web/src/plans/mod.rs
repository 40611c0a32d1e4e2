//! Individual plans (issue #13): request, decision and coordinator, the
//! child's goals and the services' contributions, the printed plan, the
//! family's view in the portal.
