// Audio players with a waveform: the WAV is fetched once, its PCM samples
// drawn as min/max bars on a canvas, the play position drawn over it; a
// click on the waveform seeks there.

/** Reads the samples of a PCM WAV (8/16/32-bit integer or 32-bit float), first channel. */
export function decodeWav(buffer) {
  const view = new DataView(buffer);
  const tag = (at) => String.fromCharCode(...new Uint8Array(buffer, at, 4));
  if (buffer.byteLength < 12 || tag(0) !== "RIFF" || tag(8) !== "WAVE") {
    throw new Error("not a WAV file");
  }
  let format;
  let offset = 12;
  while (offset + 8 <= buffer.byteLength) {
    const id = tag(offset);
    let size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === "fmt ") {
      format = {
        code: view.getUint16(body, true),
        channels: view.getUint16(body + 2, true),
        rate: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === "data" && format) {
      // A WAV still being written has size 0: take the rest of the file.
      if (size === 0 || body + size > buffer.byteLength) size = buffer.byteLength - body;
      const step = (format.bits / 8) * format.channels;
      const count = Math.floor(size / step);
      const samples = new Float32Array(count);
      for (let i = 0; i < count; i++) {
        const at = body + i * step;
        if (format.code === 3) samples[i] = view.getFloat32(at, true);
        else if (format.bits === 16) samples[i] = view.getInt16(at, true) / 32768;
        else if (format.bits === 32) samples[i] = view.getInt32(at, true) / 2147483648;
        else samples[i] = (view.getUint8(at) - 128) / 128;
      }
      return { rate: format.rate, samples };
    }
    offset = body + size + (size % 2);
  }
  throw new Error("the WAV file has no audio data");
}

/** The color a theme variable (`light-dark(…)`) stands for now, as canvas wants it. */
function themeColor(variable) {
  const probe = document.createElement("span");
  probe.style.color = `var(${variable})`;
  document.body.append(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  return color;
}

/** A `<figure>` with the player and its waveform for the WAV at `url`. */
export function audioPlayer(url, caption) {
  const figure = document.createElement("figure");
  figure.className = "audio-item";
  const cap = document.createElement("figcaption");
  cap.textContent = caption;
  const canvas = document.createElement("canvas");
  canvas.className = "waveform";
  canvas.width = 600;
  canvas.height = 64;
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", `waveform of ${caption} (loading)`);
  const audio = document.createElement("audio");
  audio.controls = true;
  audio.preload = "metadata";
  audio.src = url;
  audio.setAttribute("aria-label", caption);
  figure.append(cap, canvas, audio);

  let wave;
  const draw = () => {
    const ctx = canvas.getContext("2d");
    const fg = themeColor("--chart");
    const played = themeColor("--chart2");
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (!wave) return;
    const { peaks } = wave;
    const mid = canvas.height / 2;
    const at = audio.duration ? audio.currentTime / audio.duration : 0;
    for (let x = 0; x < peaks.length; x++) {
      const [lo, hi] = peaks[x];
      ctx.fillStyle = x / peaks.length < at ? played : fg;
      ctx.fillRect(x, mid - hi * mid, 1, Math.max(1, (hi - lo) * mid));
    }
  };
  fetch(url, { credentials: "same-origin" })
    .then((r) => (r.ok ? r.arrayBuffer() : Promise.reject(new Error(`HTTP ${r.status}`))))
    .then((buffer) => {
      const { samples, rate } = decodeWav(buffer);
      const peaks = [];
      const per = Math.max(1, Math.floor(samples.length / canvas.width));
      for (let x = 0; x < canvas.width; x++) {
        let lo = 0;
        let hi = 0;
        for (let i = x * per; i < Math.min((x + 1) * per, samples.length); i++) {
          if (samples[i] < lo) lo = samples[i];
          if (samples[i] > hi) hi = samples[i];
        }
        peaks.push([lo, hi]);
      }
      wave = { peaks };
      const seconds = (samples.length / rate).toFixed(1);
      const loud = peaks.some(([lo, hi]) => hi - lo > 0.02);
      canvas.setAttribute(
        "aria-label",
        `waveform of ${caption}: ${seconds} s, ${loud ? "with sound" : "silent"}`,
      );
      draw();
    })
    .catch((error) =>
      canvas.setAttribute("aria-label", `waveform of ${caption}: unavailable (${error.message})`)
    );
  audio.addEventListener("timeupdate", draw);
  audio.addEventListener("seeked", draw);
  canvas.addEventListener("click", (e) => {
    if (!audio.duration) return;
    const rect = canvas.getBoundingClientRect();
    audio.currentTime = ((e.clientX - rect.left) / rect.width) * audio.duration;
  });
  return figure;
}
