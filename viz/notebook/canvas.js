// The live view's canvas in a notebook cell (an anywidget): frames arrive as JPEG bytes in
// custom messages and are drawn as they come; each is acknowledged, which paces the kernel's
// loop; the mouse, the wheel and keys go back to the view's handlers. The canvas's
// data-frames and data-fps say how many frames it drew and at what rate (the last 2 s).
function render({ model, el }) {
  const canvas = document.createElement("canvas");
  canvas.width = model.get("width");
  canvas.height = model.get("height");
  canvas.tabIndex = 0;
  canvas.className = "nn-live";
  canvas.style.cssText = `width: ${canvas.width}px; height: ${canvas.height}px; outline: none;
    display: block; background: #101014; cursor: default;`;
  const note = document.createElement("div");
  note.style.cssText = "font: 12px sans-serif; color: #888; margin-top: 4px;";
  note.textContent = "click the picture for the keys; .stop() ends it";
  el.append(canvas, note);
  const ctx = canvas.getContext("2d");
  const times = [];
  let frames = 0;
  model.on("msg:custom", async (msg, buffers) => {
    if (msg.type === "stopped") { note.textContent = msg.summary; return; }
    if (msg.type !== "frame") return;
    const bitmap = await createImageBitmap(new Blob([buffers[0]], { type: "image/jpeg" }));
    ctx.drawImage(bitmap, 0, 0);
    bitmap.close();
    frames += 1;
    const now = performance.now();
    times.push(now);
    while (times.length > 2 && now - times[0] > 2000) times.shift();
    canvas.dataset.frames = frames;
    canvas.dataset.fps = times.length > 1 ? ((times.length - 1) * 1000 / (now - times[0])).toFixed(1) : "0";
    model.send({ type: "ack", n: msg.n });
  });
  const mods = e => (e.shiftKey ? 1 : 0) | (e.ctrlKey ? 2 : 0) | (e.altKey ? 4 : 0);
  const buttons = e => (e.buttons & 1 ? 1 : 0) | (e.buttons & 4 ? 2 : 0) | (e.buttons & 2 ? 4 : 0);
  const BUTTON = { 0: 1, 1: 2, 2: 4 };                // DOM button -> pyglet's
  const send = (kind, e, extra) => model.send({ type: "mouse", kind, x: e.offsetX, y: e.offsetY,
                                                 mods: mods(e), ...extra });
  canvas.addEventListener("pointermove", e =>
    send("move", e, { dx: e.movementX, dy: e.movementY, buttons: buttons(e) }));
  canvas.addEventListener("pointerdown", e => {
    canvas.focus();
    canvas.setPointerCapture(e.pointerId);
    send("press", e, { button: BUTTON[e.button] || 1 });
  });
  canvas.addEventListener("pointerup", e => send("release", e, { button: BUTTON[e.button] || 1 }));
  canvas.addEventListener("pointerleave", e => send("leave", e, {}));
  canvas.addEventListener("contextmenu", e => e.preventDefault());
  canvas.addEventListener("wheel", e => {
    e.preventDefault();
    send("scroll", e, { sx: -Math.sign(e.deltaX), sy: -Math.sign(e.deltaY) });
  }, { passive: false });
  for (const kind of ["keydown", "keyup"]) {
    canvas.addEventListener(kind, e => {
      e.preventDefault();
      e.stopPropagation();                           // not JupyterLab's shortcuts
      model.send({ type: "key", kind: kind === "keydown" ? "press" : "release", key: e.key,
                   mods: mods(e) });
    });
  }
}
export default { render };
