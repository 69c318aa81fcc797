/**
 * A table for long lists (100,000 apps, a year of audit events): TanStack Table for columns and
 * sorting, TanStack Virtual so only the rows in view are in the page, and `onEndReached` to ask
 * for the next page from the server when the reader nears the end. Rows open with a click or
 * with Enter, so the keyboard reaches everything a mouse does.
 */
import { useEffect, useRef, type ReactNode } from 'react';
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef, type OnChangeFn, type SortingState } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Box, Center, Loader, Table, Text, UnstyledButton } from '@mantine/core';
import { IconArrowDown, IconArrowUp } from '@tabler/icons-react';

export interface VirtualTableProps<T> {
  data: T[];
  columns: ColumnDef<T, unknown>[];
  /** The accessible name of the table. */
  label: string;
  rowKey: (row: T) => string;
  onRowClick?: (row: T) => void;
  /** Called when the last rows come into view, to load more. */
  onEndReached?: () => void;
  loadingMore?: boolean;
  /** Server-side sorting: the state and its setter (columns opt in with enableSorting). */
  sorting?: SortingState;
  onSortingChange?: OnChangeFn<SortingState>;
  height?: number | string;
  rowHeight?: number;
  footer?: ReactNode;
}

export function VirtualTable<T>({ data, columns, label, rowKey, onRowClick, onEndReached, loadingMore, sorting, onSortingChange, height = 'calc(100vh - 260px)', rowHeight = 44, footer }: VirtualTableProps<T>) {
  const scroller = useRef<HTMLDivElement>(null);
  const table = useReactTable({
    data,
    columns,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    enableSortingRemoval: false,
    state: sorting ? { sorting } : {},
    ...(onSortingChange ? { onSortingChange } : {}),
    getRowId: (row) => rowKey(row),
  });
  const rows = table.getRowModel().rows;
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => rowHeight, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const last = items.at(-1)?.index ?? -1;

  useEffect(() => {
    if (onEndReached && !loadingMore && rows.length > 0 && last >= rows.length - 10) onEndReached();
  }, [last, rows.length, onEndReached, loadingMore]);

  const padTop = items[0]?.start ?? 0;
  const padBottom = items.length > 0 ? virtualizer.getTotalSize() - items.at(-1)!.end : 0;
  const colCount = table.getVisibleLeafColumns().length;

  return (
    <Box ref={scroller} style={{ height, overflow: 'auto' }} tabIndex={-1}>
      <Table stickyHeader highlightOnHover={Boolean(onRowClick)} aria-label={label} aria-rowcount={rows.length + 1}>
        <Table.Thead>
          {table.getHeaderGroups().map((g) => (
            <Table.Tr key={g.id}>
              {g.headers.map((h) => {
                const sorted = h.column.getIsSorted();
                const content = flexRender(h.column.columnDef.header, h.getContext());
                return (
                  <Table.Th key={h.id} aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined} style={{ width: h.getSize() !== 150 ? h.getSize() : undefined }}>
                    {h.column.getCanSort() && onSortingChange ? (
                      <UnstyledButton onClick={h.column.getToggleSortingHandler()} fw={600} fz="sm">
                        {content} {sorted === 'asc' ? <IconArrowUp size={12} /> : sorted === 'desc' ? <IconArrowDown size={12} /> : null}
                      </UnstyledButton>
                    ) : (
                      content
                    )}
                  </Table.Th>
                );
              })}
            </Table.Tr>
          ))}
        </Table.Thead>
        <Table.Tbody>
          {padTop > 0 ? (
            <tr aria-hidden>
              <td colSpan={colCount} style={{ height: padTop, padding: 0, border: 0 }} />
            </tr>
          ) : null}
          {items.map((vi) => {
            const row = rows[vi.index]!;
            return (
              <Table.Tr
                key={row.id}
                data-index={vi.index}
                className={onRowClick ? 'clickable-row' : undefined}
                tabIndex={onRowClick ? 0 : undefined}
                onClick={onRowClick ? () => onRowClick(row.original) : undefined}
                onKeyDown={onRowClick ? (e) => e.key === 'Enter' && onRowClick(row.original) : undefined}
                style={{ height: rowHeight }}
              >
                {row.getVisibleCells().map((c) => (
                  <Table.Td key={c.id}>{flexRender(c.column.columnDef.cell, c.getContext())}</Table.Td>
                ))}
              </Table.Tr>
            );
          })}
          {padBottom > 0 ? (
            <tr aria-hidden>
              <td colSpan={colCount} style={{ height: padBottom, padding: 0, border: 0 }} />
            </tr>
          ) : null}
        </Table.Tbody>
      </Table>
      {loadingMore ? (
        <Center py="sm">
          <Loader size="xs" />
          <Text size="sm" c="dimmed" ml="xs">
            Loading more…
          </Text>
        </Center>
      ) : null}
      {footer}
    </Box>
  );
}
