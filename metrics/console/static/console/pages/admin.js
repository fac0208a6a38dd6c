// The organization's admin pages (the router opens them for admins only): members (role,
// removal), invitations (the token shown once) and API keys (the new key shown once, with
// the pcc install line for it).
import { el } from '../dom.js';
import { allPages, counted, replaced, table, timeOf } from './lists.js';

const ROLES = ['admin', 'analyst', 'viewer'];

export async function render(root, ctx) {
  const [members, invitations, keys, collectors] = await Promise.all([
    allPages(ctx.api, '/api/organization/members/'), allPages(ctx.api, '/api/organization/invitations/'),
    allPages(ctx.api, '/api/keys/'), allPages(ctx.api, '/api/collectors/?ordering=name')]);
  // A change, then the page drawn again from the API, refused or not (a refused role change
  // must not stay shown in its menu); a refusal is shown as the API words it.
  const change = (work) => async (event) => {
    event.preventDefault();
    ctx.showError(null); // an earlier refusal is not this change's
    try {
      if (await work(event) === false) return;
    } catch (error) {
      ctx.showError(error);
    }
    await render(root, ctx).catch(ctx.showError);
  };
  root.replaceChildren(
    el('h1', { text: `Administration of ${ctx.session().organization.name}` }),
    membersSection(members, ctx, change),
    invitationsSection(invitations, ctx, change),
    keysSection(keys, collectors, ctx, change));
}

// A role is set by its button, not on the menu's change: a keyboard's arrows move through a
// closed menu's options, each a change.
function membersSection(members, ctx, change) {
  const path = (member) => `/api/organization/members/${member.id}/`;
  const roleOf = (member) => {
    const menu = el('select', { 'aria-label': `Role of ${member.username}`, 'data-member': member.username },
      ...ROLES.map((role) => el('option', { value: role, selected: role === member.role, text: role })));
    return el('span', {}, menu, ' ', el('button', {
      type: 'button', text: 'Set role', 'data-member': member.username,
      onclick: change(() => ctx.api(path(member), { method: 'PATCH', body: { role: menu.value } })),
    }));
  };
  return el('section', { 'aria-labelledby': 'members-title' },
    el('h2', { id: 'members-title', text: 'Members' }),
    table(counted(members.length, 'member'), ['User', 'Email', 'Role', 'Member since', ''], members.map((member) => [
      member.username, member.email, roleOf(member), timeOf(member.created_at),
      el('button', {
        type: 'button', text: 'Remove',
        onclick: change(() => window.confirm(`Remove ${member.username} from the organization?`)
          && ctx.api(path(member), { method: 'DELETE' })),
      })]), { id: 'admin-members' }));
}

function invitationsSection(invitations, ctx, change) {
  const email = el('input', { id: 'invite-email', type: 'email', required: true, autocomplete: 'off' });
  const role = el('select', { id: 'invite-role' },
    ...ROLES.map((name) => el('option', { value: name, selected: name === 'viewer', text: name })));
  const shown = el('div', { id: 'new-invitation', 'aria-live': 'polite' });
  const listOf = (rows) => table(counted(rows.length, 'open invitation'),
    ['Email', 'Role', 'Status', 'Invited by', 'Expires', ''], rows.map((invitation) => [
      invitation.email, invitation.role, invitation.status, invitation.invited_by, timeOf(invitation.expires_at),
      el('button', {
        type: 'button', text: 'Revoke',
        onclick: change(() => ctx.api(`/api/organization/invitations/${invitation.id}/`, { method: 'DELETE' })),
      })]), { id: 'admin-invitations' });
  let listed = listOf(invitations);
  const form = el('form', {
    onsubmit: async (event) => {
      event.preventDefault();
      ctx.showError(null);
      try {
        const invitation = await ctx.api('/api/organization/invitations/',
          { method: 'POST', body: { email: email.value, role: role.value } });
        // The token is shown this once: only the list is read again, not the page.
        shown.replaceChildren(
          el('p', { text: `Invitation for ${invitation.email} (${invitation.role}), valid until `
            + `${timeOf(invitation.expires_at)}. Pass this token on privately; it is not shown again:` }),
          el('pre', { id: 'new-invitation-token', tabindex: '0', text: invitation.token }));
        listed = replaced(listed, listOf(await allPages(ctx.api, '/api/organization/invitations/')));
      } catch (error) {
        ctx.showError(error);
      }
    },
  }, el('label', { for: 'invite-email', text: 'Email ' }), email, ' ',
  el('label', { for: 'invite-role', text: 'Role ' }), role, ' ', el('button', { type: 'submit', text: 'Invite' }));
  return el('section', { 'aria-labelledby': 'invitations-title' },
    el('h2', { id: 'invitations-title', text: 'Invitations' }), listed, form, shown);
}

function keysSection(keys, collectors, ctx, change) {
  const names = new Map(collectors.map((c) => [c.id, c.name]));
  const name = el('input', { id: 'key-name', required: true, maxlength: '100', autocomplete: 'off' });
  const scope = el('select', { id: 'key-collector' },
    el('option', { value: '', text: 'Organization key (any collector; registers new hosts)' }),
    ...collectors.map((c) => el('option', { value: String(c.id), text: `Collector key: ${c.name}` })));
  const shown = el('div', { id: 'new-key-shown', 'aria-live': 'polite' });
  // The key is shown this once: only the list is read again, not the page.
  const showKey = async (answer) => {
    ctx.showError(null);
    try {
      const key = await answer;
      shown.replaceChildren(
        el('p', { text: `Key "${key.name}" (${key.scope}). Copy it now: it is not shown again.` }),
        el('pre', { id: 'new-key', tabindex: '0', text: key.key }),
        el('p', { text: 'Install pcc with it on the host:' }),
        el('pre', { id: 'pcc-install-line', tabindex: '0', text: installLine(key.key) }),
        el('p', { text: 'XAT does not serve install.sh itself (the line is the one its cloud inventories give). '
          + `An agent already installed takes this key and ${window.location.origin} (it posts to /v1/trickle).` }));
      listed = replaced(listed, listOf(await allPages(ctx.api, '/api/keys/')));
    } catch (error) {
      ctx.showError(error);
    }
  };
  const listOf = (rows) => table(counted(rows.length, 'key'),
    ['Name', 'Prefix', 'Scope', 'Created', 'Last used', 'Expires', 'State', ''], rows.map((key) => [
      key.name, key.prefix, key.collector ? `collector ${names.get(key.collector) ?? key.collector}` : 'organization',
      timeOf(key.created_at), timeOf(key.last_used_at), timeOf(key.expires_at), key.revoked ? 'revoked' : 'live',
      key.revoked ? '' : el('span', {},
        el('button', { type: 'button', text: 'Rotate',
                       onclick: () => showKey(ctx.api(`/api/keys/${key.id}/rotate/`, { method: 'POST' })) }), ' ',
        el('button', {
          type: 'button', text: 'Revoke',
          onclick: change(() => window.confirm(`Revoke the key "${key.name}" now? Its agents are refused from then.`)
            && ctx.api(`/api/keys/${key.id}/`, { method: 'DELETE' })),
        }))]), { id: 'admin-keys' });
  let listed = listOf(keys);
  const form = el('form', {
    onsubmit: (event) => {
      event.preventDefault();
      const body = { name: name.value, ...(scope.value ? { collector: Number(scope.value) } : {}) };
      showKey(ctx.api('/api/keys/', { method: 'POST', body }));
    },
  }, el('label', { for: 'key-name', text: 'Name ' }), name, ' ', el('label', { for: 'key-collector', text: 'Scope ' }),
  scope, ' ', el('button', { type: 'submit', id: 'key-create', text: 'Create key' }));
  return el('section', { 'aria-labelledby': 'keys-title' },
    el('h2', { id: 'keys-title', text: 'API keys' }), listed, form, shown);
}

// The install command XAT answers with a new agent key elsewhere (the cloud inventories'
// deploy-pcc, docs/api.md), on this server's address.
function installLine(key) {
  return `curl -s ${window.location.origin}/install.sh | API_KEY=${key} bash`;
}
