// Text a customer typed (an address line), shown in a Discord message or embed as they typed it. Discord renders
// markdown in message content, embed descriptions and field values: a street line typed as
// "[Paid: view receipt](https://…)" showed on the shop's admin post as a masked link, and "<@id>" as another admin's
// name. Each line is kept to one line (a newline could start a line that reads like the post's own) and Discord's
// markdown characters are escaped with a backslash, which Discord renders as the character itself. Not for plain-text
// places (a select option's label or description), where a backslash would show.

const MARKDOWN = /[\\*_~`|[\]()<>#-]/g;

/** `text` as typed, safe in Discord markdown: on one line, its markdown characters escaped. */
export function asTyped(text: string): string {
  return text.replace(/\s+/g, ' ').replace(MARKDOWN, '\\$&');
}
