-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "timeZone" TEXT NOT NULL DEFAULT 'UTC';
