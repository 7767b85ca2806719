// The page talks to the JSON API with fetch and follows changes over server-sent events,
// so a todo added in another tab (or with curl) appears here at once.
const list = document.getElementById('todos');
const error = document.getElementById('error');
const log = document.getElementById('log');
const todos = new Map();

function render() {
  list.replaceChildren(...[...todos.values()].sort((a, b) => a.id - b.id).map(todo => {
    const li = document.createElement('li');
    li.className = todo.done ? 'done' : '';
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = todo.done;
    box.onchange = () => send('PUT', '/api/todos/' + todo.id, { title: todo.title, done: box.checked });
    const title = document.createElement('span');
    title.textContent = ' ' + todo.title + ' ';
    const del = document.createElement('button');
    del.textContent = '×';
    del.onclick = () => send('DELETE', '/api/todos/' + todo.id);
    li.append(box, title, del);
    return li;
  }));
}

async function send(method, url, body) {
  const response = await fetch(url, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  error.textContent = response.ok ? '' : (await response.json()).error;
  return response;
}

document.getElementById('add').onsubmit = async event => {
  event.preventDefault();
  const input = document.getElementById('title');
  if ((await send('POST', '/api/todos', { title: input.value })).ok) input.value = '';
};

const events = new EventSource('/api/events');
for (const type of ['created', 'updated', 'deleted']) {
  events.addEventListener(type, event => {
    const change = JSON.parse(event.data);
    if (type === 'deleted') todos.delete(change.item.id); else todos.set(change.item.id, change.item);
    log.textContent = `#${change.seq} ${type}: ${change.item.title}\n` + log.textContent;
    render();
  });
}
// Load the list once the stream is open, so that no change falls between the two.
events.onopen = async () => {
  for (const todo of await (await fetch('/api/todos')).json()) todos.set(todo.id, todo);
  render();
};
