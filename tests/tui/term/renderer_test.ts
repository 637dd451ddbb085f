// deno-lint-ignore-file no-control-regex
import { assertEquals } from "../../assert.ts";
import { DiffRenderer, SYNC_BEGIN, SYNC_END } from "../../../tui/term/renderer.ts";
import { ScreenBuffer } from "../../../tui/term/screen.ts";

/** The printable text and cursor moves in `out`, with SGR sequences dropped. */
function visible(out: string): string {
  return out.replace(/\x1b\[[0-9;]*m/g, "");
}

/** A tiny terminal: applies the renderer's output (CUP moves, text, 2J) to a grid. */
function apply(grid: string[][], out: string): void {
  const body = out.replace(SYNC_BEGIN, "").replace(SYNC_END, "").replace(/\x1b\[[0-9;]*m/g, "")
    .replace(/\x1b\[\?25[hl]/g, "");
  let x = 0;
  let y = 0;
  const tokens = body.match(/\x1b\[2J|\x1b\[\d+;\d+H|[^\x1b]/gu) ?? [];
  for (const token of tokens) {
    if (token === "\x1b[2J") grid.forEach((row) => row.fill(" "));
    else if (token.startsWith("\x1b[")) {
      const [row, col] = token.slice(2, -1).split(";").map(Number);
      y = row - 1;
      x = col - 1;
    } else {
      grid[y][x] = token;
      const wide = /[\u4e00-\u9fff\u{1f300}-\u{1faff}]/u.test(token);
      if (wide) grid[y][x + 1] = "";
      x += wide ? 2 : 1;
    }
  }
}

Deno.test("diff renderer", async (t) => {
  await t.step("the first frame is written whole inside synchronized-output escapes", () => {
    const renderer = new DiffRenderer(10, 2, "256");
    const frame = new ScreenBuffer(10, 2);
    frame.write(0, 0, "hello");
    frame.write(2, 1, "world", { fg: "red" });
    const out = renderer.render(frame);
    assertEquals(out.startsWith(SYNC_BEGIN), true);
    assertEquals(out.endsWith(SYNC_END), true);
    const grid = Array.from({ length: 2 }, () => Array(10).fill(" "));
    apply(grid, out);
    assertEquals(grid.map((r) => r.join("")), ["hello     ", "  world   "]);
    assertEquals(out.includes("\x1b[0;31m"), true);
  });

  await t.step("an unchanged frame writes nothing", () => {
    const renderer = new DiffRenderer(10, 2, "256");
    const frame = new ScreenBuffer(10, 2);
    frame.write(0, 0, "same");
    renderer.render(frame);
    assertEquals(renderer.render(frame), "");
  });

  await t.step("a one-cell change writes only that cell", () => {
    const renderer = new DiffRenderer(80, 24, "256");
    const frame = new ScreenBuffer(80, 24);
    for (let y = 0; y < 24; y++) frame.write(0, y, "x".repeat(80));
    renderer.render(frame);
    frame.write(40, 12, "y");
    const out = renderer.render(frame);
    assertEquals(visible(out), `${SYNC_BEGIN}\x1b[13;41Hy${SYNC_END}`);
  });

  await t.step("a style change alone rewrites the cell with the new style", () => {
    const renderer = new DiffRenderer(5, 1, "256");
    const frame = new ScreenBuffer(5, 1);
    frame.write(0, 0, "abc");
    renderer.render(frame);
    frame.write(1, 0, "b", { bold: true });
    assertEquals(renderer.render(frame), `${SYNC_BEGIN}\x1b[1;2H\x1b[0;1mb\x1b[0m${SYNC_END}`);
  });

  await t.step("adjacent changed cells share one cursor move", () => {
    const renderer = new DiffRenderer(10, 1, "256");
    const frame = new ScreenBuffer(10, 1);
    renderer.render(frame);
    frame.write(3, 0, "abc");
    assertEquals(visible(renderer.render(frame)), `${SYNC_BEGIN}\x1b[1;4Habc${SYNC_END}`);
  });

  await t.step("random edits keep the terminal equal to the frame", () => {
    const renderer = new DiffRenderer(30, 6, "256");
    const frame = new ScreenBuffer(30, 6);
    const grid = Array.from({ length: 6 }, () => Array(30).fill(" "));
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
    const samples = ["a", "中文", "👍", "xyz", " ", "é", "Registered"];
    for (let step = 0; step < 500; step++) {
      frame.write(rand(30), rand(6), samples[rand(samples.length)], {
        fg: rand(2) ? "red" : "cyan",
      });
      apply(grid, renderer.render(frame));
      for (let y = 0; y < 6; y++) {
        assertEquals(grid[y].join(""), frame.rowText(y), `step ${step}, row ${y}`);
      }
    }
  });

  await t.step("invalidate() after a resize writes the next frame whole", () => {
    const renderer = new DiffRenderer(10, 2, "256");
    const frame = new ScreenBuffer(10, 2);
    frame.write(0, 0, "abc");
    renderer.render(frame);
    const bigger = new ScreenBuffer(12, 3);
    bigger.write(0, 0, "abc");
    const out = renderer.render(bigger);
    assertEquals(out.includes("\x1b[2J"), true);
    assertEquals(visible(out).includes("abc"), true);
  });

  await t.step("the cursor is placed and shown only when the frame asks for it", () => {
    const renderer = new DiffRenderer(10, 2, "256");
    const frame = new ScreenBuffer(10, 2);
    renderer.render(frame);
    frame.cursor = { x: 4, y: 1 };
    assertEquals(renderer.render(frame), `${SYNC_BEGIN}\x1b[2;5H\x1b[?25h${SYNC_END}`);
    frame.cursor = undefined;
    assertEquals(renderer.render(frame), `${SYNC_BEGIN}\x1b[?25l${SYNC_END}`);
  });

  await t.step("NO_COLOR mode keeps bold and reverse but writes no colour", () => {
    const renderer = new DiffRenderer(5, 1, "none");
    const frame = new ScreenBuffer(5, 1);
    frame.write(0, 0, "a", { fg: "red", bg: "#102030", bold: true, reverse: true });
    const out = renderer.render(frame);
    assertEquals(out.includes("\x1b[0;1;7m"), true);
    assertEquals(/\x1b\[[0-9;]*(3\d|4\d|38|48)[;m]/.test(out.replace("\x1b[0;1;7m", "")), false);
  });

  await t.step("hex colours are true colour or the nearest of 256", () => {
    const frame = new ScreenBuffer(2, 1);
    frame.write(0, 0, "a", { fg: "#ff0000" });
    assertEquals(new DiffRenderer(2, 1, "truecolor").render(frame).includes("38;2;255;0;0"), true);
    assertEquals(new DiffRenderer(2, 1, "256").render(frame).includes("38;5;196"), true);
  });
});
