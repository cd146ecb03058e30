// The dashboard page: one server-sent event stream of snapshots (see src/dashboard/types.ts),
// rendered into the page. No framework; uPlot draws the two charts.
'use strict';

(function main() {
  const token = new URLSearchParams(location.search).get('token');
  const withToken = (path) => (token ? `${path}?token=${encodeURIComponent(token)}` : path);
  const $ = (id) => document.getElementById(id);
  const charts = {};
  let shownTip = '';

  function text(id, value) {
    const el = $(id);
    if (el && el.textContent !== String(value)) el.textContent = String(value);
  }

  function fmt(n, digits = 2) {
    if (!Number.isFinite(n)) return '–';
    // Regtest's difficulty is about 5e-10: show it, not 0.000.
    if (n !== 0 && Math.abs(n) < 0.01) return n.toExponential(digits);
    const units = ['', 'k', 'M', 'G', 'T', 'P', 'E'];
    let i = 0;
    while (Math.abs(n) >= 1000 && i < units.length - 1) {
      n /= 1000;
      i++;
    }
    return `${n.toFixed(i === 0 && Number.isInteger(n) ? 0 : digits)}${units[i]}`;
  }

  function ago(seconds) {
    if (seconds < 60) return `${Math.max(0, Math.round(seconds))} s ago`;
    if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
    return `${(seconds / 3600).toFixed(1)} h ago`;
  }

  function cell(row, value, cls) {
    const td = document.createElement('td');
    td.textContent = String(value);
    if (cls) td.className = cls;
    row.appendChild(td);
    return td;
  }

  function fillTable(id, rows, build) {
    const body = $(id).tBodies[0];
    const next = document.createElement('tbody');
    for (const row of rows) next.appendChild(build(row));
    body.replaceWith(next);
  }

  function chart(id, label, color) {
    const el = $(id);
    return new uPlot(
      {
        width: Math.max(300, el.clientWidth || 400),
        height: 180,
        series: [{}, { label, stroke: color, width: 1.5, fill: `${color}22` }],
        axes: [{ stroke: '#8a96ad', grid: { stroke: '#263049' } }, { stroke: '#8a96ad', grid: { stroke: '#263049' }, size: 60, values: (_u, ticks) => ticks.map((v) => fmt(v, 1)) }],
        legend: { show: false },
      },
      [[], []],
      el,
    );
  }

  function renderCharts(history) {
    charts.difficulty ??= chart('chart-difficulty', 'difficulty', '#f5a623');
    charts.hashrate ??= chart('chart-hashrate', 'hash rate', '#4fc3f7');
    charts.difficulty.setData([history.times, history.difficulty]);
    charts.hashrate.setData([history.times, history.hashrate]);
  }

  function renderBlocks(blocks, now) {
    fillTable('blocks', blocks, (b) => {
      const tr = document.createElement('tr');
      tr.dataset.hash = b.hash;
      tr.dataset.height = String(b.height);
      if (shownTip && b.height > 0 && !document.querySelector(`#blocks tr[data-hash="${b.hash}"]`)) tr.className = 'new';
      cell(tr, b.height);
      cell(tr, `${b.hash.slice(0, 16)}…`, 'mono');
      cell(tr, ago(now - b.time));
      cell(tr, b.txs, 'num');
      cell(tr, `${b.size} B`, 'num');
      cell(tr, b.weight, 'num');
      cell(tr, b.fees.toFixed(8), 'num');
      return tr;
    });
  }

  function renderMempool(m) {
    text('mempool-txs', m.txs);
    text('mempool-bytes', m.bytes);
    text('mempool-minfee', m.minFeeRate.toFixed(3));
    const box = $('fee-histogram');
    const max = Math.max(1, ...m.feeHistogram.map((b) => b.vbytes));
    box.replaceChildren(
      ...m.feeHistogram.map((b) => {
        const bar = document.createElement('div');
        bar.className = 'bar';
        bar.style.height = `${(100 * b.vbytes) / max}%`;
        bar.title = `${b.from}${b.to ? `–${b.to}` : '+'} sat/vB: ${b.txs} txs, ${b.vbytes} vB`;
        const label = document.createElement('span');
        label.textContent = String(b.from);
        bar.appendChild(label);
        return bar;
      }),
    );
  }

  const SVG = 'http://www.w3.org/2000/svg';
  function svg(name, attrs, content) {
    const el = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    if (content !== undefined) el.textContent = content;
    return el;
  }

  /** This node in the middle, its peers around it: outbound blue-green, inbound blue. */
  function renderGraph(self, peers) {
    const nodes = [svg('circle', { cx: 0, cy: 0, r: 14, fill: '#f5a623' }), svg('text', { x: 0, y: 28 }, `${self.slice(-6)} (this node)`)];
    const lines = [];
    peers.forEach((peer, i) => {
      const angle = (2 * Math.PI * i) / Math.max(1, peers.length) - Math.PI / 2;
      const x = Math.round(100 * Math.cos(angle));
      const y = Math.round(95 * Math.sin(angle));
      const color = peer.direction === 'inbound' ? '#4fc3f7' : '#81c784';
      lines.push(svg('line', { x1: 0, y1: 0, x2: x, y2: y, stroke: color, 'stroke-width': 1.5, 'stroke-dasharray': peer.connectionType === 'block-relay-only' ? '4 3' : '' }));
      nodes.push(svg('circle', { cx: x, cy: y, r: 9, fill: color, 'data-peer': peer.id }));
      nodes.push(svg('text', { x, y: y + 20 }, `${peer.id.slice(-6)} ${peer.pingMs !== undefined ? `${Math.round(peer.pingMs)} ms` : ''}`));
    });
    $('peer-graph').replaceChildren(...lines, ...nodes);
  }

  function renderPeers(peers) {
    fillTable('peers', peers, (p) => {
      const tr = document.createElement('tr');
      cell(tr, `…${p.id.slice(-10)}`, 'mono');
      cell(tr, p.addr.split('/p2p/')[0], 'mono');
      cell(tr, p.direction);
      cell(tr, p.pingMs !== undefined ? `${Math.round(p.pingMs)} ms` : '–', 'num');
      cell(tr, `${fmt(p.bytesSent)}B`, 'num');
      cell(tr, `${fmt(p.bytesRecv)}B`, 'num');
      cell(tr, p.height, 'num');
      return tr;
    });
  }

  function renderWallet(w) {
    $('wallet-panel').hidden = !w;
    if (!w) return;
    text('balance', w.trusted.toFixed(8));
    text('pending', w.pending.toFixed(8));
    text('immature', w.immature.toFixed(8));
    text('attacker-share', `${(w.attackerShare * 100).toFixed(0)}%`);
    fillTable('payments', w.payments, (p) => {
      const tr = document.createElement('tr');
      tr.dataset.txid = p.txid;
      cell(tr, `${p.txid.slice(0, 16)}…`, 'mono');
      cell(tr, p.category);
      cell(tr, p.amount.toFixed(8), 'num');
      cell(tr, p.confirmations, 'num');
      cell(tr, p.reversalProbability >= 0.0000001 ? p.reversalProbability.toFixed(7) : p.reversalProbability.toExponential(2), 'num');
      return tr;
    });
  }

  function render(s) {
    text('network', s.network);
    text('peer-id', s.peerId);
    text('height', s.chain.height);
    text('headers', s.chain.headers);
    text('sync', `${(s.chain.progress * 100).toFixed(2)}% verified${s.chain.initialBlockDownload ? ', initial download' : ''}`);
    text('tip', s.chain.tip);
    text('tip-age', ago(s.now - s.chain.tipTime));
    text('difficulty', fmt(s.chain.difficulty, 3));
    text('retarget', `retarget every ${s.chain.retargetInterval} blocks`);
    text('miner', s.miner ? `${fmt(s.miner.hashrate)}H/s` : 'off');
    text('miner-found', s.miner ? `${s.miner.blocksFound} blocks found` : '');
    renderCharts(s.history);
    renderBlocks(s.blocks, s.now);
    renderMempool(s.mempool);
    renderGraph(s.peerId, s.peers);
    renderPeers(s.peers);
    renderWallet(s.wallet);
    shownTip = s.chain.tip;
    document.body.dataset.tip = shownTip;
  }

  function status(state, label) {
    const el = $('status');
    el.className = `status ${state}`;
    el.textContent = label;
  }

  const events = new EventSource(withToken('events'));
  events.addEventListener('snapshot', (event) => {
    render(JSON.parse(event.data));
    status('live', `live · ${new Date().toLocaleTimeString()}`);
  });
  events.addEventListener('error', () => status('down', 'disconnected, retrying…'));
})();
