-- AlterTable
ALTER TABLE "customers" ADD COLUMN     "displayNameSetByAdminAt" TIMESTAMP(3);

