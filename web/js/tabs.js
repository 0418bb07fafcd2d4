// Tabs: the WAI-ARIA Authoring Practices tabs pattern with automatic activation
// (https://www.w3.org/WAI/ARIA/apg/patterns/tabs/), styled by .tabs in /css/app.css.
//
//   const el = tabs({ id: 'views', label: t('x.views'), items: [
//     { key: 'map', title: t('x.map'), panel: node },
//     { key: 'list', title: t('x.list'), panel: node2 } ], selected: 'map', onChange: (key) => ... });
//
// One tab is in the Tab order (roving tabindex); Left/Right move to the previous/next
// tab and show it, Home/End the first/last. Each panel is labelled by its tab and
// focusable (tabindex=0), so a panel without a control of its own is reachable.
import { h } from './app.js';

export function tabs({ id, label, items, selected, onChange } = {}) {
  const list = h('div', { class: 'tabs', role: 'tablist', 'aria-label': label });
  const buttons = [];
  const panels = [];
  items.forEach((it, i) => {
    const tabId = `${id}-tab-${it.key}`;
    const panelId = `${id}-panel-${it.key}`;
    const b = h('button', { type: 'button', role: 'tab', id: tabId, 'aria-controls': panelId, 'data-key': it.key }, it.title);
    const p = h('div', { role: 'tabpanel', id: panelId, 'aria-labelledby': tabId, tabindex: '0' }, it.panel);
    buttons.push(b);
    panels.push(p);
    b.addEventListener('click', () => select(i, false));
    list.append(b);
  });

  function select(i, focus) {
    buttons.forEach((b, j) => {
      const on = i === j;
      b.setAttribute('aria-selected', on ? 'true' : 'false');
      b.tabIndex = on ? 0 : -1;
      panels[j].hidden = !on;
    });
    if (focus) buttons[i].focus();
    if (onChange) onChange(items[i].key);
  }

  list.addEventListener('keydown', (ev) => {
    const i = buttons.indexOf(document.activeElement);
    if (i < 0) return;
    const n = buttons.length;
    const to = { ArrowRight: (i + 1) % n, ArrowLeft: (i - 1 + n) % n, Home: 0, End: n - 1 }[ev.key];
    if (to === undefined) return;
    ev.preventDefault();
    select(to, true);
  });

  const first = Math.max(0, items.findIndex((it) => it.key === selected));
  buttons.forEach((b, j) => {
    b.setAttribute('aria-selected', j === first ? 'true' : 'false');
    b.tabIndex = j === first ? 0 : -1;
    panels[j].hidden = j !== first;
  });
  return h('div', { class: 'tabs-block' }, list, ...panels);
}
