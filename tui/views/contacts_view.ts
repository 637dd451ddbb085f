/**
 * The contacts overlay (`f`, Tab): the contact book with fuzzy search
 * (`/`), a form to add (`a`) and edit (`e`) a contact, delete with a
 * confirmation (`d`), `E` for `contacts.toml` in `$EDITOR`, and Enter to
 * put the number into the dial or transfer line (a contact with several
 * numbers lists each, so Enter takes the one selected).
 *
 * @module
 */
import type { View, ViewContext } from "../app.ts";
import { fuzzyFilter } from "../fuzzy.ts";
import { bindingFor, hintsFor } from "../keymap.ts";
import type { Key } from "../term/keys.ts";
import type { Rect, ScreenBuffer } from "../term/screen.ts";
import { padText, truncateText } from "../term/width.ts";
import { ListState } from "../widgets/list.ts";
import { centered, drawBox } from "../widgets/modal.ts";
import { drawHints } from "../widgets/hint_bar.ts";
import { drawSearchedList, moveInList, SEARCH_HINTS, SearchBox } from "../widgets/search_box.ts";
import { TextInput } from "../widgets/text_input.ts";
import { ConfirmDialog } from "./dialogs.ts";
import { drawOverlay } from "./overlay.ts";

/** One contact: a name and its numbers (as `contacts.toml` has them). */
export interface ContactEntry {
  name: string;
  numbers: string[];
}

/** What the overlay needs: the book and how to keep it. */
export interface ContactBook {
  /** The contacts now. */
  load(): Promise<ContactEntry[]>;
  /** Writes the whole book. */
  save(contacts: readonly ContactEntry[]): Promise<void>;
  /** Opens `contacts.toml` in `$EDITOR`. */
  edit(): Promise<void>;
}

interface Row {
  contact: number;
  name: string;
  number: string;
}

/**
 * The overlay.
 *
 * @example
 * ```ts
 * app.push(new ContactsView(book, (number) => line.set(number)));
 * ```
 */
export class ContactsView implements View {
  #book: ContactBook;
  #choose: ((number: string) => void) | undefined;
  #contacts: ContactEntry[] = [];
  #list = new ListState();
  #search = new SearchBox("Search");

  constructor(book: ContactBook, choose?: (number: string) => void) {
    this.#book = book;
    this.#choose = choose;
  }

  /** Reads the book. */
  async reload(): Promise<void> {
    this.#contacts = await this.#book.load();
  }

  draw(screen: ScreenBuffer, area: Rect, context: ViewContext): void {
    const { styles } = context;
    const hints = this.#search.active
      ? SEARCH_HINTS
      : hintsFor("contacts").filter((h) => this.#choose || h.label !== "use");
    const rect = drawOverlay(screen, area, `Contacts (${this.#contacts.length})`, hints, context);
    const rows = this.#rows();
    const nameWidth = Math.min(30, Math.floor(rect.width / 2));
    const empty = this.#contacts.length
      ? "No contact matches."
      : "No contacts yet: a adds one, E opens contacts.toml.";
    drawSearchedList(
      screen,
      rect,
      {
        search: this.#search,
        list: this.#list,
        count: rows.length,
        empty,
        styles: { ...styles, input: styles.attention },
      },
      (i, y, selected) => {
        const row = rows[i];
        const style = selected ? styles.selected : styles.text;
        const first = i === 0 || rows[i - 1].contact !== row.contact;
        screen.write(rect.x, y, padText(first ? row.name : "", nameWidth), {
          ...style,
          bold: true,
        });
        screen.write(
          rect.x + nameWidth + 1,
          y,
          truncateText(row.number, rect.width - nameWidth - 2),
          selected ? style : styles.accent,
        );
      },
    );
  }

  async handleKey(key: Key, { app }: ViewContext): Promise<boolean> {
    if (this.#search.handleKey(key, this.#list, () => this.#rows().length)) return true;
    const rows = this.#rows();
    const row = rows[this.#list.selected];
    const command = bindingFor("contacts", key)?.command;
    if (moveInList(command, key, this.#list, rows.length)) return true;
    switch (command) {
      case "choose":
        if (row && this.#choose) {
          app.pop(this);
          this.#choose(row.number);
        }
        break;
      case "search":
        this.#search.open();
        break;
      case "add":
        app.push(new ContactForm(undefined, (c) => this.#store([...this.#contacts, c], c.name)));
        break;
      case "edit":
        if (row) {
          const index = row.contact;
          app.push(
            new ContactForm(
              this.#contacts[index],
              (c) => this.#store(this.#contacts.map((old, i) => (i === index ? c : old)), c.name),
            ),
          );
        }
        break;
      case "delete":
        if (row) {
          const index = row.contact;
          app.push(
            new ConfirmDialog(`Delete contact ${this.#contacts[index].name}?`, async () => {
              await this.#store(this.#contacts.filter((_, i) => i !== index));
              app.toast.show(`Deleted ${row.name}`, "success");
            }),
          );
        }
        break;
      case "editor":
        await this.#book.edit();
        await this.reload();
        break;
      case "close":
        app.pop(this);
        break;
    }
    return true;
  }

  async #store(contacts: ContactEntry[], select?: string): Promise<void> {
    await this.#book.save(contacts);
    this.#contacts = contacts;
    if (select) {
      const at = this.#rows().findIndex((r) => r.name === select);
      if (at >= 0) this.#list.selected = at;
    }
  }

  #rows(): Row[] {
    const rows = this.#contacts.flatMap((c, contact) =>
      c.numbers.map((number) => ({ contact, name: c.name, number }))
    );
    return fuzzyFilter(rows, this.#search.query, (r) => `${r.name} ${r.number}`).map((m) => m.item);
  }
}

/**
 * Adding or editing one contact: a name and its numbers (comma-separated).
 */
class ContactForm implements View {
  #name: TextInput;
  #numbers: TextInput;
  #focus = 0;
  #error: string | undefined;
  #save: (contact: ContactEntry) => Promise<void>;
  #editing: boolean;

  constructor(existing: ContactEntry | undefined, save: (contact: ContactEntry) => Promise<void>) {
    this.#name = new TextInput(existing?.name ?? "");
    this.#numbers = new TextInput(existing?.numbers.join(", ") ?? "");
    this.#save = save;
    this.#editing = existing !== undefined;
  }

  draw(screen: ScreenBuffer, area: Rect, { styles }: ViewContext): void {
    const box = centered(area, Math.min(area.width - 4, 64), 9);
    const inner = drawBox(screen, box, {
      title: this.#editing ? "Edit contact" : "New contact",
      border: styles.accent,
    });
    const field = (y: number, label: string, input: TextInput, index: number) => {
      screen.write(
        inner.x + 1,
        y,
        label.padEnd(9),
        this.#focus === index ? styles.attention : styles.subtle,
      );
      input.draw(
        screen,
        inner.x + 10,
        y,
        inner.width - 11,
        this.#focus === index ? styles.attention : styles.text,
        this.#focus === index,
      );
    };
    field(inner.y, "Name", this.#name, 0);
    field(inner.y + 1, "Numbers", this.#numbers, 1);
    screen.write(inner.x + 10, inner.y + 2, "several: separate with commas", styles.subtle);
    if (this.#error) {
      screen.write(
        inner.x + 1,
        inner.y + 4,
        truncateText(this.#error, inner.width - 2),
        styles.danger,
      );
    }
    drawHints(
      screen,
      inner.x + 1,
      inner.y + inner.height - 1,
      inner.width - 2,
      hintsFor("contact_form"),
      {
        key: styles.key,
        label: styles.subtle,
      },
    );
  }

  async handleKey(key: Key, { app }: ViewContext): Promise<boolean> {
    switch (bindingFor("contact_form", key)?.command) {
      case "next":
        this.#focus = 1 - this.#focus;
        return true;
      case "cancel":
        app.pop(this);
        return true;
      case "save": {
        const contact = {
          name: this.#name.value.trim(),
          numbers: this.#numbers.value.split(",").map((n) => n.trim()).filter(Boolean),
        };
        if (!contact.name) this.#error = "the name cannot be empty";
        else if (contact.numbers.length === 0) this.#error = "give at least one number";
        else {
          try {
            await this.#save(contact);
            app.pop(this);
          } catch (error) {
            this.#error = (error as Error).message;
          }
        }
        return true;
      }
    }
    if ((this.#focus === 0 ? this.#name : this.#numbers).handleKey(key)) this.#error = undefined;
    return true;
  }
}
