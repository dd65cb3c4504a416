-- The name each Discord admin of a shop acted under (docs/decisions/discord-admin-names.md): a new table, its primary
-- key built with it (empty). Its foreign key takes a brief SHARE ROW EXCLUSIVE lock on tenants (no rows to check;
-- the lock_timeout below bounds the wait). Written with the acting admin's audit entry.
SET LOCAL lock_timeout = '5s';

-- CreateTable
CREATE TABLE IF NOT EXISTS "discord_admin_names" (
    "tenantId" TEXT NOT NULL,
    "discordUserId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "discord_admin_names_pkey" PRIMARY KEY ("tenantId","discordUserId")
);

-- AddForeignKey
ALTER TABLE "discord_admin_names" ADD CONSTRAINT "discord_admin_names_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
