//! Individual plans (issue #13): the request and decision, the coordinator,
//! the child's goals and each service's contribution.
