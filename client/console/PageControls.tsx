import { type FormEvent, useId, useState } from 'react';

/** The page sizes offered: a national fielding (~2,300 offices) is 12 pages of 200, 92 of 25. */
export const PAGE_SIZES = [25, 50, 100, 200] as const;
export type PageSize = (typeof PAGE_SIZES)[number];
export const DEFAULT_PAGE_SIZE: PageSize = 50;

/** A page size from the address, or the default for anything the select does not offer. */
export function pageSizeOf(text: string): PageSize {
  return PAGE_SIZES.find((size) => String(size) === text) ?? DEFAULT_PAGE_SIZE;
}

/**
 * The page that still shows the first row of the current page at the new size, so changing the size
 * does not throw the reader back to the start of the list.
 */
export const pageKeepingRow = (page: number, from: number, to: number) => Math.floor(((page - 1) * from) / to) + 1;

/** How many rows a page shows; a native select, so the keyboard and screen readers know it. */
export function PageSizeSelect({
  pageSize,
  setPageSize,
  label = 'Rows per page',
}: {
  pageSize: PageSize;
  setPageSize: (size: PageSize) => void;
  label?: string;
}) {
  const id = useId();
  return (
    <div className="fk-page-size">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={pageSize} onChange={(event) => setPageSize(pageSizeOf(event.currentTarget.value))}>
        {PAGE_SIZES.map((size) => (
          <option key={size} value={size}>
            {size}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * "Go to page" as a small form: Enter in the field or the button jumps, and a page outside 1..pages
 * is named in an error tied to the field instead of fetching an empty page.
 */
export function GoToPage({ pages, setPage }: { pages: number; setPage: (page: number) => void }) {
  const id = useId();
  const [error, setError] = useState<string>();
  const go = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const field = event.currentTarget.elements.namedItem('page') as HTMLInputElement;
    const page = Number(field.value.trim());
    if (!Number.isInteger(page) || page < 1 || page > pages) {
      setError(`Enter a page from 1 to ${pages}.`);
      field.focus();
      return;
    }
    setError(undefined);
    field.value = '';
    setPage(page);
  };
  return (
    <form className="fk-go-to-page" onSubmit={go} noValidate aria-label="Go to a page">
      <label htmlFor={id}>Go to page</label>
      <input
        id={id}
        name="page"
        type="number"
        inputMode="numeric"
        min={1}
        max={pages}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      <button type="submit">Go</button>
      {error ? (
        <p className="fk-field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </form>
  );
}
