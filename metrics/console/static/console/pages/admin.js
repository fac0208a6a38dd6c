// The organization's admin pages: members (role, removal), invitations (the token shown
// once) and API keys (the new key shown once, with the pcc install line for it). Another
// role gets a sentence, not the pages: the API would answer 403 to every call anyway.
import { session } from '../api.js';
import { allPages, el, isAdmin, table, when } from './dom.js';

const ROLES = ['admin', 'analyst', 'viewer'];

export async function render(root, ctx) {
  if (!isAdmin(session())) {
    root.replaceChildren(el('h1', {}, 'Administration'),
      el('p', { id: 'admin-forbidden' }, 'Only the organization\u2019s admins manage members, invitations and keys.'));
    return;
  }
  const [members, invitations, keys, collectors] = await Promise.all([
    allPages(ctx.api, '/api/organization/members/'), allPages(ctx.api, '/api/organization/invitations/'),
    allPages(ctx.api, '/api/keys/'), allPages(ctx.api, '/api/collectors/?ordering=name')]);
  const again = () => render(root, ctx);
  const act = (work) => async (event) => {
    event.preventDefault();
    try {
      await work(event);
    } catch (error) {
      ctx.showError(error);
      return;
    }
    await again();
  };
  root.replaceChildren(
    el('h1', {}, `Administration of ${session().organization.name}`),
    membersSection(members, ctx, act),
    invitationsSection(invitations, ctx, act),
    keysSection(keys, collectors, ctx, act));
}

function membersSection(members, ctx, act) {
  return el('section', { 'aria-labelledby': 'members-title' },
    el('h2', { id: 'members-title' }, 'Members'),
    table(`${members.length} members`, ['User', 'Email', 'Role', 'Member since', ''], members.map((member) => [
      member.username, member.email,
      el('select', {
        'aria-label': `Role of ${member.username}`, 'data-member': String(member.id),
        onchange: act((event) => ctx.api(`/api/organization/members/${member.id}/`,
          { method: 'PATCH', body: { role: event.target.value } })),
      }, ROLES.map((role) => el('option', { value: role, selected: role === member.role }, role))),
      when(member.created_at),
      el('button', {
        type: 'button',
        onclick: act(async () => {
          if (window.confirm(`Remove ${member.username} from the organization?`)) {
            await ctx.api(`/api/organization/members/${member.id}/`, { method: 'DELETE' });
          }
        }),
      }, 'Remove')]), { id: 'admin-members' }));
}

function invitationsSection(invitations, ctx, act) {
  const email = el('input', { id: 'invite-email', type: 'email', required: true, autocomplete: 'off' });
  const role = el('select', { id: 'invite-role' }, ROLES.map((name) => el('option', { value: name, selected: name === 'viewer' }, name)));
  const shown = el('div', { id: 'new-invitation', 'aria-live': 'polite' });
  const form = el('form', {
    onsubmit: async (event) => {
      event.preventDefault();
      try {
        const invitation = await ctx.api('/api/organization/invitations/',
          { method: 'POST', body: { email: email.value, role: role.value } });
        // Shown this once: the page is not drawn again, so the token stays on screen.
        shown.replaceChildren(el('p', {}, `Invitation for ${invitation.email} (${invitation.role}), valid until ${when(invitation.expires_at)}. `
          + 'Pass this token on privately; it is not shown again:'),
        el('pre', { id: 'new-invitation-token', tabindex: '0' }, invitation.token));
      } catch (error) {
        ctx.showError(error);
      }
    },
  }, el('label', { for: 'invite-email' }, 'Email '), email, ' ', el('label', { for: 'invite-role' }, 'Role '), role, ' ',
  el('button', { type: 'submit' }, 'Invite'));
  return el('section', { 'aria-labelledby': 'invitations-title' },
    el('h2', { id: 'invitations-title' }, 'Invitations'),
    table(`${invitations.length} open invitations`, ['Email', 'Role', 'Status', 'Invited by', 'Expires', ''],
      invitations.map((invitation) => [
        invitation.email, invitation.role, invitation.status, invitation.invited_by, when(invitation.expires_at),
        el('button', {
          type: 'button',
          onclick: act(() => ctx.api(`/api/organization/invitations/${invitation.id}/`, { method: 'DELETE' })),
        }, 'Revoke')]), { id: 'admin-invitations' }),
    form, shown);
}

function keysSection(keys, collectors, ctx, act) {
  const names = new Map(collectors.map((c) => [c.id, c.name]));
  const name = el('input', { id: 'key-name', required: true, maxlength: '100', autocomplete: 'off' });
  const scope = el('select', { id: 'key-collector' },
    el('option', { value: '' }, 'Organization key (any collector; registers new hosts)'),
    collectors.map((c) => el('option', { value: String(c.id) }, `Collector key: ${c.name}`)));
  const shown = el('div', { id: 'new-key-shown', 'aria-live': 'polite' });
  const showKey = (key) => shown.replaceChildren(
    el('p', {}, `Key "${key.name}" (${key.scope}). Copy it now: it is not shown again.`),
    el('pre', { id: 'new-key', tabindex: '0' }, key.key),
    el('p', {}, 'Install pcc with it on the host:'),
    el('pre', { id: 'pcc-install-line', tabindex: '0' }, installLine(key.key)));
  const form = el('form', {
    onsubmit: async (event) => {
      event.preventDefault();
      try {
        showKey(await ctx.api('/api/keys/', {
          method: 'POST', body: { name: name.value, ...(scope.value ? { collector: Number(scope.value) } : {}) },
        }));
      } catch (error) {
        ctx.showError(error);
      }
    },
  }, el('label', { for: 'key-name' }, 'Name '), name, ' ', el('label', { for: 'key-collector' }, 'Scope '), scope, ' ',
  el('button', { type: 'submit', id: 'key-create' }, 'Create key'));
  return el('section', { 'aria-labelledby': 'keys-title' },
    el('h2', { id: 'keys-title' }, 'API keys'),
    table(`${keys.length} keys`, ['Name', 'Prefix', 'Scope', 'Created', 'Last used', 'Expires', 'State', ''],
      keys.map((key) => [
        key.name, key.prefix, key.collector ? `collector ${names.get(key.collector) ?? key.collector}` : 'organization',
        when(key.created_at), when(key.last_used_at), when(key.expires_at), key.revoked ? 'revoked' : 'live',
        key.revoked ? '' : el('span', {},
          el('button', {
            type: 'button',
            onclick: async () => {
              try {
                showKey(await ctx.api(`/api/keys/${key.id}/rotate/`, { method: 'POST' }));
              } catch (error) {
                ctx.showError(error);
              }
            },
          }, 'Rotate'), ' ',
          el('button', {
            type: 'button',
            onclick: act(async () => {
              if (window.confirm(`Revoke the key "${key.name}" now? Its agents stop being accepted.`)) {
                await ctx.api(`/api/keys/${key.id}/`, { method: 'DELETE' });
              }
            }),
          }, 'Revoke'))]), { id: 'admin-keys' }),
    form, shown);
}

// The install command XAT gives for a new agent key elsewhere (the cloud inventories'
// deploy-pcc), on this server's address.
function installLine(key) {
  return `curl -s ${window.location.origin}/install.sh | API_KEY=${key} bash`;
}
