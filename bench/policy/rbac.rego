# RBAC: users are bound to roles; a role grants actions on resource types.
package rbac

default allow := false

allow if {
	some role in data.bindings[input.user]
	some grant in data.roles[role]
	grant.action == input.action
	grant.resource == input.resource
}
