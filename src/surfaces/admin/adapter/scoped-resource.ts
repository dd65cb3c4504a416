// Tenant scoping at the data layer of the panel. Every AdminJS endpoint (list, search, show, edit, delete,
// bulk actions, reference pickers, the record-action API) reaches the database through these resource
// methods, and AdminJS passes each of them the action context with currentAdmin. So the tenant filter is
// added here, once, to every query: a record of another tenant is simply not found, cannot be updated or
// deleted, and new records always belong to the admin's tenant. Without a signed-in admin every method
// refuses (fail closed). isAccessible on the resources adds role checks on top; hiding is not relied on.
import type * as AdminJSPrisma from '@adminjs/prisma';
import { BaseRecord, ForbiddenError, NotFoundError, ValidationError, type Filter } from 'adminjs';
import { isUniqueViolation, withTransaction, type Db, type Tx } from '../../../platform/db/prisma.js';
import { dayBound } from '../../../platform/zoned-time.js';
import { likeLiteral } from '../../../platform/db/like-text.js';
import { changedFields } from '../../../modules/audit/audit-diff.js';
import type { AuditService } from '../../../modules/audit/audit.service.js';
import { panelActorOf, type PanelAdmin } from '../auth/panel-admin.js';
import {
  FORM_OUT_OF_DATE,
  formEdits,
  parseShown,
  staleFormRefusal,
  type FieldWords,
  type FormConflict,
} from '../../../platform/form-edits.js';

/**
 * The record's columns as its edit form loaded them (JSON), a param of every record the edit action reads.
 * AdminJS's form posts every param back, this one unchanged: update() then writes only the fields the admin
 * changed from these, and refuses a change to a field that someone else changed since (platform/form-edits.ts).
 */
export const SHOWN_PARAM = 'shownValuesJson';

/**
 * tenant: rows carry tenantId; tenant admins see their tenant's rows; a platform admin sees every row
 * ('all') or none ('deny': commerce data belongs to shops, a platform admin manages tenants).
 * tenant-self: the Tenant table; tenant admins see only their own tenant, a platform admin every tenant.
 */
export type ScopeRule = { kind: 'tenant'; platformAdmin: 'all' | 'deny' } | { kind: 'tenant-self' };

export interface ScopedResourceOptions {
  /**
   * Secret columns (password hash, API key hash, TaxJar key): never returned, and never usable in a filter
   * or a sort, which would otherwise let an admin guess them character by character from result counts.
   */
  secrets?: readonly string[];
  /**
   * Shapes what leaves the server: secrets (password hashes, API key hashes, the TaxJar key) are removed
   * here, so no endpoint can return them, and display-only values (a masked key) are added.
   */
  present?: (values: Record<string, unknown>, row: Record<string, unknown>) => Record<string, unknown>;
  /**
   * Models registered in the panel. A relation to any other model (e.g. Order.session) is dropped, since
   * AdminJS cannot populate a reference to a resource it does not have.
   */
  knownModels?: ReadonlySet<string>;
  /**
   * A free-text filter that is no column (`filters.<param>`, e.g. the orders list's customer search): its
   * value becomes this where-clause, AND-ed with the other filters and the tenant scope. It gets the scope,
   * to look up what the term names (e.g. the shop's matching customers) within the admin's tenant only.
   */
  textSearch?: {
    param: string;
    where: (term: string, scope: Record<string, string>) => Record<string, unknown> | null | Promise<Record<string, unknown> | null>;
  };
  /**
   * Counting stops at `at`: count() answers at most at + 1 (a LIMIT inside the count), which the list shows
   * as "10,000+" (components/estimated-count-list.tsx). Paging still works up to that point; on a large
   * table a list page then costs a bounded count instead of a scan of every matching row. `orderBy` is the
   * order the limited rows are read in: Prisma orders a limited count (by id unless told), so it must be an
   * order an index of the filtered lists serves (e.g. createdAt, as the list sorts), or the count sorts
   * every matching row first.
   */
  countCap?: { at: number; orderBy: Record<string, 'asc' | 'desc'> };
  /** List columns shown formatted but sorted by a stored column (e.g. total -> totalCents). */
  sortAliases?: Readonly<Record<string, string>>;
  /**
   * A list column sorted by more than itself: `sortBy` -> the orderBy for a direction, ties broken by other
   * columns (so rows of one value keep one order, and a page boundary never shows a row twice or skips one).
   */
  sortOrders?: Readonly<Record<string, (direction: 'asc' | 'desc') => Record<string, unknown>[]>>;
  /**
   * A filter read by this resource rather than the adapter (which reads a text column as "contains"): its
   * value becomes this where-clause, AND-ed with the other filters and the scope. For values that are no
   * stored value (Payments for deleted orders: "money arrived" is any non-null, "no money arrived" a null).
   */
  filterWheres?: Readonly<Record<string, (value: string) => Record<string, unknown>>>;
  /**
   * Puts every create, update and delete of this resource on the record: the write and its audit entry
   * (who, the changed fields before -> after, secrets masked) are one transaction.
   */
  audit?: AuditOptions;
  /**
   * A rule a create, update or delete must keep (a shop keeps a shop admin; a price is in the shop's currency):
   * called in the write's transaction, after the write, with the row before and after it (before: null when
   * created, after: null when deleted) and the action's context. It throws to undo the write. The
   * context carries the admin and the session (auth/panel-session.ts).
   */
  keeps?: (
    tx: Tx,
    change: { before: Record<string, unknown> | null; after: Record<string, unknown> | null },
    context?: Ctx,
  ) => Promise<void>;
  /**
   * A delete this row must not have (a product on an order): called in the delete's transaction, before it,
   * with the row locked. It throws (a ValidationError: the delete's notice) and nothing is deleted.
   */
  refusesDelete?: (tx: Tx, row: Record<string, unknown>) => Promise<void>;
  /**
   * The form's words for its fields by path, for a stale form's refusal ("Venmo handle @a -> @b" rather than
   * "payment instructions VENMO_P2P.handle ..."); fields it does not name keep their path.
   */
  fieldWords?: FieldWords;
  /**
   * List columns the edit form shows as one checkbox per value (a shop's payment methods): a save adds the
   * values its admin ticked and removes the ones they unticked, value by value (form-edits.ts), so two admins
   * ticking different boxes in forms open at once both keep theirs.
   */
  setFields?: readonly string[];
  /** What the record is called in a stale form's refusal ("This shop changed ..."); default: the model's name. */
  recordWords?: string;
}

export interface AuditOptions {
  service: AuditService;
  /** Prefix of the audit actions: "product" -> product.created / product.updated / product.deleted. */
  action: string;
  /** Columns recorded only as changed, never by value (password hash, API keys). */
  secrets?: readonly string[];
  /** Columns not worth recording (counters the system moves, last sign-in). */
  ignore?: readonly string[];
}

export type Ctx = { currentAdmin?: unknown } | undefined;
type PrismaLib = typeof AdminJSPrisma;
type ResourceArgs = ConstructorParameters<PrismaLib['Resource']>[0];
type Manager = {
  findMany(args: unknown): Promise<Record<string, unknown>[]>;
  findFirst(args: unknown): Promise<Record<string, unknown> | null>;
  count(args: unknown): Promise<number>;
  create(args: unknown): Promise<Record<string, unknown>>;
  updateMany(args: unknown): Promise<{ count: number }>;
  deleteMany(args: unknown): Promise<{ count: number }>;
};

/**
 * A text column's filter as typed: the adapter makes it a Prisma `contains`, a LIKE pattern sent unescaped, so a "%" or
 * "_" listed every row (platform/db/like-text.ts). Enums are matched by equality, and so is a UUID, which holds nothing
 * escaped.
 */
function asTyped(f: Filter['filters'][string]): Filter['filters'][string] {
  const type = f.property?.type();
  if ((type !== 'string' && type !== 'textarea') || f.property?.availableValues()?.length || typeof f.value !== 'string') return f;
  return { ...f, value: likeLiteral(f.value) };
}

export function defineScopedResource(lib: PrismaLib) {
  return class ScopedPrismaResource extends lib.Resource {
    readonly rule: ScopeRule;
    readonly scopeOptions: ScopedResourceOptions;

    constructor(args: ResourceArgs, rule: ScopeRule, options: ScopedResourceOptions = {}) {
      super(args);
      this.rule = rule;
      this.scopeOptions = options;
      // @adminjs/prisma does not tell AdminJS that a Prisma list column (String[], PaymentMethod[]) is an
      // array: AdminJS then edits it as one scalar (shown blank, marked required) and the save replaces the
      // whole list with what that one input held. Declare them as the optional arrays they are.
      // A tick box always holds an answer (unticked is "no"): a NOT NULL boolean is reported required by the
      // adapter, which drew a required star on every box's label, read as "you must tick this". Not required.
      for (const prop of Object.values(
        this.propertiesObject as Record<
          string,
          { column?: { isList?: boolean; kind?: string }; isArray(): boolean; isRequired(): boolean; type(): string }
        >,
      )) {
        if (prop.column?.isList && prop.column.kind !== 'object') {
          prop.isArray = () => true;
          prop.isRequired = () => false;
        } else if (prop.type() === 'boolean') {
          prop.isRequired = () => false;
        }
      }
      const known = options.knownModels;
      if (known) {
        const props = this.propertiesObject as Record<string, { reference(): string | null }>;
        for (const [path, prop] of Object.entries(props)) {
          const ref = prop.reference();
          if (ref && !known.has(ref)) delete props[path];
        }
      }
    }

    /**
     * AdminJS looks every posted form field's name up in a plain object of the resource's properties, part by
     * part, before any hook runs: a field named `constructor`, `toString` or `__proto__.x` found Object's own
     * members there and threw (a 500 for a hand-made post). A name with such a part is no property of any
     * resource: it is looked up as unknown, and the form's schema drops it like any other field it does not have.
     */
    override assignDecorator(...args: Parameters<InstanceType<typeof lib.Resource>['assignDecorator']>): void {
      super.assignDecorator(...args);
      const decorated = this._decorated as { getPropertyByKey(key: string): unknown } | null;
      if (!decorated) return;
      const lookUp = decorated.getPropertyByKey.bind(decorated);
      decorated.getPropertyByKey = (key: string) => (key.split('.').some((part) => part in Object.prototype) ? null : lookUp(key));
    }

    protected override prepareReturnValues(row: Record<string, unknown>): Record<string, unknown> {
      const values = super.prepareReturnValues(row);
      for (const secret of this.scopeOptions.secrets ?? []) delete values[secret];
      return this.scopeOptions.present ? this.scopeOptions.present(values, row) : values;
    }

    /**
     * Filters on known, non-secret properties only (an unknown path would crash the adapter). A date range's ends
     * are the shop's days as the filter sends them (components/date-time.tsx), made instants here; an end that
     * is no date is left out rather than read as "Invalid Date". A text filter matches its text as typed (asTyped).
     */
    private safeFilter(filter: Filter | undefined): Filter | undefined {
      if (!filter) return filter;
      const secrets = this.scopeOptions.secrets ?? [];
      const kept = Object.fromEntries(
        Object.entries(filter.filters ?? {})
          .filter(([path, f]) => f.property && !secrets.includes(path.split('.')[0]!))
          .map(([path, f]) => [path, f.property?.type() === 'datetime' ? { ...f, value: dateRange(f.value) } : asTyped(f)]),
      );
      return { ...filter, filters: kept } as Filter;
    }

    /** Sorting by a secret, or through a relation into another table, falls back to the default order. */
    private safeSort(sort: { sortBy?: string; direction?: 'asc' | 'desc' }) {
      const by = sort.sortBy ? (this.scopeOptions.sortAliases?.[sort.sortBy] ?? sort.sortBy) : undefined;
      if (by !== sort.sortBy) sort = { ...sort, sortBy: by };
      if (!by) return sort;
      if (by.includes('.') || (this.scopeOptions.secrets ?? []).includes(by) || !this.property(by)) return { direction: sort.direction };
      return sort;
    }

    /** The list's orderBy: a sortOrders column's own, else the adapter's for the (safe) column. */
    private orderBy(sort: { sortBy?: string; direction?: 'asc' | 'desc' }) {
      const own = sort.sortBy ? this.scopeOptions.sortOrders?.[sort.sortBy] : undefined;
      return own ? own(sort.direction === 'desc' ? 'desc' : 'asc') : this.buildSortBy(this.safeSort(sort));
    }

    /** A duplicate (SKU, email, guild id ...) is a form error, not a crash. */
    private async write<T>(fn: () => Promise<T>): Promise<T> {
      try {
        return await fn();
      } catch (err) {
        if (isUniqueViolation(err)) {
          // The pg driver adapter reports the constraint's fields in meta (shape varies): search all of it. The form
          // fields are matched before "id", which every constraint's tenantId or discountId holds too.
          const target = `${JSON.stringify((err as { meta?: unknown }).meta ?? {})} ${(err as Error).message ?? ''}`;
          const field = ['sku', 'email', 'discordUserId', 'customer', 'id'].find((f) => target.includes(f)) ?? 'form';
          throw new ValidationError(
            { [field === 'customer' ? 'customer' : field]: { message: 'This value is already used by another record.' } },
            { message: 'A record with these values already exists.' },
          );
        }
        throw err;
      }
    }

    /** The where-clause every query of this resource is AND-ed with, for the admin in `context`. */
    scopeWhere(context: Ctx): Record<string, string> {
      const admin = context?.currentAdmin as PanelAdmin | undefined;
      if (!admin?.id) throw new ForbiddenError('You are not signed in.');
      if (admin.role === 'PLATFORM_ADMIN') {
        if (this.rule.kind === 'tenant-self' || this.rule.platformAdmin === 'all') return {};
        throw new ForbiddenError('Platform admins manage tenants; shop records belong to a tenant admin.');
      }
      if (!admin.tenantId) throw new ForbiddenError('Your account is not linked to a shop.');
      return this.rule.kind === 'tenant-self' ? { id: admin.tenantId } : { tenantId: admin.tenantId };
    }

    private get db(): Manager {
      return this.manager as unknown as Manager;
    }

    /** This model's delegate inside a transaction (tx.product, tx.shippingType ...). */
    private managerIn(tx: Tx): Manager {
      const name = this.model.name.charAt(0).toLowerCase() + this.model.name.slice(1);
      return (tx as unknown as Record<string, Manager>)[name]!;
    }

    /**
     * Runs an audited write: `fn` gets this model's delegate in a transaction and returns the row before and
     * after; the audit entry is written in the same transaction (no entry without the change, or vice versa).
     * A `keeps` rule is checked in the same transaction. Without either the write runs on the client directly.
     */
    private async audited(
      verb: 'created' | 'updated' | 'deleted',
      context: Ctx,
      fn: (
        m: Manager,
        lock: (id: string | number) => Promise<void>,
        tx: Tx | null,
      ) => Promise<{ before: Record<string, unknown> | null; after: Record<string, unknown> | null }>,
    ): Promise<Record<string, unknown> | null> {
      const audit = this.scopeOptions.audit;
      const keeps = this.scopeOptions.keeps;
      const refuses = verb === 'deleted' && this.scopeOptions.refusesDelete;
      // An update always runs in a transaction: it compares the locked row with what the form showed.
      if (!audit && !keeps && !refuses && verb !== 'updated') return (await fn(this.db, async () => undefined, null)).after;
      const admin = context?.currentAdmin as PanelAdmin;
      return withTransaction(this.client as unknown as Db, async (tx) => {
        const { before, after } = await fn(this.managerIn(tx), (id) => this.lockRow(tx, id), tx);
        if (keeps) await keeps(tx, { before, after }, context);
        if (!audit) return after;
        const row = after ?? before;
        const changes = changedFields(before, after, { secrets: audit.secrets, ignore: audit.ignore });
        // Rows outside any shop (a platform admin's account) have no tenant trail to go on.
        const tenantId = (row?.tenantId as string | null | undefined) ?? (this.model.name === 'Tenant' ? (row?.id as string) : null);
        if (row && changes && tenantId) {
          await audit.service.record(
            tx,
            { tenantId, actor: panelActorOf(admin) },
            {
              action: `${audit.action}.${verb}`,
              entityType: this.model.name,
              entityId: String(row.id),
              before: verb === 'created' ? undefined : changes.before,
              after: verb === 'deleted' ? undefined : changes.after,
            },
          );
        }
        return after;
      });
    }

    /**
     * Locks the row (when it exists) for the rest of the audited transaction, so the "before" read next is
     * the row this save changes: a save that commits in between cannot slip under the audit entry.
     */
    private async lockRow(tx: Tx, id: string | number): Promise<void> {
      const table = (this.model as { dbName?: string | null }).dbName ?? this.model.name;
      const quoted = `"${table.replace(/"/g, '""')}"`;
      await (tx as unknown as { $queryRawUnsafe(q: string, ...v: unknown[]): Promise<unknown> }).$queryRawUnsafe(
        `SELECT 1 FROM ${quoted} WHERE id = $1 FOR UPDATE`,
        String(id),
      );
    }

    private async where(filter: Filter | undefined, context: Ctx): Promise<Record<string, unknown>> {
      const scope = this.scopeWhere(context);
      const own = this.scopeOptions.filterWheres ?? {};
      const byAdapter =
        filter && ({ ...filter, filters: Object.fromEntries(Object.entries(filter.filters ?? {}).filter(([p]) => !own[p])) } as Filter);
      const base = lib.convertFilter(this.model.fields, this.safeFilter(byAdapter)) as Record<string, unknown>;
      const mine = Object.entries(filter?.filters ?? {}).flatMap(([p, f]) => (own[p] ? [own[p](String(f.value))] : []));
      const search = await this.searchWhere(filter, scope);
      const parts = [base, ...mine, ...(search ? [search] : []), ...(Object.keys(scope).length ? [scope] : [])];
      return parts.length > 1 ? { AND: parts } : base;
    }

    /** The textSearch option's clause for `filters.<param>`, or null when there is no such filter. */
    private async searchWhere(filter: Filter | undefined, scope: Record<string, string>): Promise<Record<string, unknown> | null> {
      const opt = this.scopeOptions.textSearch;
      const raw = opt ? filter?.filters?.[opt.param]?.value : undefined;
      const term = typeof raw === 'string' ? raw.trim() : '';
      return opt && term ? opt.where(term, scope) : null;
    }

    /** AND, never a spread: for the Tenant table the scope itself is an id condition. */
    private idWhere(id: string | number | { in: string[] }, scope: Record<string, string>): Record<string, unknown> {
      return { AND: [{ id: typeof id === 'object' ? id : String(id) }, scope] };
    }

    override async count(filter: Filter, context?: Ctx): Promise<number> {
      const cap = this.scopeOptions.countCap;
      return this.db.count({ where: await this.where(filter, context), ...(cap ? { take: cap.at + 1, orderBy: cap.orderBy } : {}) });
    }

    override async find(
      filter: Filter,
      params: { limit?: number; offset?: number; sort?: { sortBy?: string; direction?: 'asc' | 'desc' } } = {},
      context?: Ctx,
    ): Promise<BaseRecord[]> {
      const { limit = 10, offset = 0, sort = {} } = params;
      const rows = await this.db.findMany({
        where: await this.where(filter, context),
        skip: offset,
        take: limit,
        orderBy: this.orderBy(sort),
      });
      return rows.map((row) => new BaseRecord(this.prepareReturnValues(row), this));
    }

    override async findOne(id: string | number, context?: Ctx): Promise<BaseRecord | null> {
      const row = await this.db.findFirst({ where: this.idWhere(id, this.scopeWhere(context)) });
      if (!row) return null;
      const values = this.prepareReturnValues(row);
      if ((context as { action?: { name?: string } } | undefined)?.action?.name === 'edit') values[SHOWN_PARAM] = this.shownValues(row);
      return new BaseRecord(values, this);
    }

    /** The row's columns as an edit form shows them, secrets left out (SHOWN_PARAM). */
    private shownValues(row: Record<string, unknown>): string {
      const secrets = new Set([...(this.scopeOptions.secrets ?? []), ...(this.scopeOptions.audit?.secrets ?? [])]);
      return JSON.stringify(Object.fromEntries(Object.entries(row).filter(([column]) => !secrets.has(column))));
    }

    override async findMany(ids: (string | number)[], context?: Ctx): Promise<BaseRecord[]> {
      const rows = await this.db.findMany({ where: this.idWhere({ in: ids.map(String) }, this.scopeWhere(context)) });
      return rows.map((row) => new BaseRecord(this.prepareReturnValues(row), this));
    }

    override async create(params: Record<string, unknown>, context?: Ctx): Promise<Record<string, unknown>> {
      const scope = this.scopeWhere(context);
      if (this.rule.kind === 'tenant-self' && scope.id) throw new ForbiddenError('Only a platform admin can create tenants.');
      // The tenant of a new row is the admin's, whatever the form said.
      const data = { ...this.prepareParams(params), ...(scope.tenantId ? { tenantId: scope.tenantId } : {}) };
      const row = await this.write(() =>
        this.audited('created', context, async (m) => ({ before: null, after: await m.create({ data }) })),
      );
      return this.prepareReturnValues(row ?? {});
    }

    /**
     * A save of the edit form. With the values the form showed (SHOWN_PARAM) it writes only the fields the
     * admin changed from them, under the row's lock, and refuses (ValidationError) a changed field that someone
     * else changed since. Without them (a page opened before forms carried them, a hand-made POST) nothing tells
     * the admin's changes from values posted back as they were loaded, so the save is refused (FORM_OUT_OF_DATE)
     * rather than writing every posted field over what others changed meanwhile. The edit form is the only caller.
     */
    override async update(id: string | number, params: Record<string, unknown> = {}, context?: Ctx): Promise<Record<string, unknown>> {
      const scope = this.scopeWhere(context);
      const { [SHOWN_PARAM]: shownRaw, ...posted } = params;
      const shown = parseShown(shownRaw);
      // (AdminJS counts a save as failed only with a field error: the hidden field's stands for the whole form.)
      if (!shown) throw new ValidationError({ [SHOWN_PARAM]: { message: FORM_OUT_OF_DATE } }, { message: FORM_OUT_OF_DATE });
      let data = this.prepareParams(posted);
      // A record never moves to another tenant from the panel.
      if (scope.tenantId) delete data.tenantId;
      const where = this.idWhere(id, scope);
      const row = await this.write(() =>
        this.audited('updated', context, async (m, lock) => {
          await lock(id);
          const before = await m.findFirst({ where });
          if (!before) throw new NotFoundError(`No such record: ${String(id)}`, 'update');
          const { edits, conflicts } = formEdits(data, shown, before, { sets: this.scopeOptions.setFields });
          if (conflicts.length) throw this.staleForm(conflicts);
          data = edits;
          if (!Object.keys(data).length) return { before, after: before };
          // One conditional statement: the tenant check and the write cannot be separated by another request.
          const { count } = await m.updateMany({ where, data });
          if (count === 0) throw new NotFoundError(`No such record: ${String(id)}`, 'update');
          return { before, after: await m.findFirst({ where }) };
        }),
      );
      return this.prepareReturnValues(row ?? {});
    }

    /** The refusal of a save whose changed fields someone else changed since the form opened. */
    private staleForm(conflicts: FormConflict[]): ValidationError {
      const what = this.scopeOptions.recordWords ?? this.model.name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
      const { message, fields } = staleFormRefusal(`This ${what}`, conflicts, this.scopeOptions.fieldWords);
      return new ValidationError(Object.fromEntries(fields.map((f) => [f.path, { message: f.message }])), { message });
    }

    override async delete(id: string | number, context?: Ctx): Promise<void> {
      const where = this.idWhere(id, this.scopeWhere(context));
      const { audit, keeps, refusesDelete } = this.scopeOptions;
      await this.audited('deleted', context, async (m, lock, tx) => {
        await lock(id);
        const before = audit || keeps || refusesDelete ? await m.findFirst({ where }) : null;
        if (before && tx && refusesDelete) await refusesDelete(tx, before);
        const { count } = await m.deleteMany({ where });
        if (count === 0) throw new NotFoundError(`No such record: ${String(id)}`, 'delete');
        return { before, after: null };
      });
    }
  };
}

export type ScopedPrismaResource = InstanceType<ReturnType<typeof defineScopedResource>>;

/** A date filter's { from, to } with each end an ISO instant: the start of the 'from' day, the end of the 'to' day. */
function dateRange(value: unknown): { from?: string; to?: string } {
  const range = (value && typeof value === 'object' ? value : {}) as { from?: unknown; to?: unknown };
  const end = (v: unknown, edge: 'start' | 'end') => (typeof v === 'string' ? dayBound(v, edge)?.toISOString() : undefined);
  const from = end(range.from, 'start');
  const to = end(range.to, 'end');
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}
