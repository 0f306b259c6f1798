"""accounts, account sessions, enrolled devices and claim codes (issue 12)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('accounts',
    sa.Column('username', sa.String(length=32), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False, comment='owner | store_it'),
    sa.Column('password_hash', sa.String(length=200), nullable=False, comment='argon2id; never the password'),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('username', name=op.f('pk_accounts'))
    )
    op.create_table('account_sessions',
    sa.Column('token_hash', sa.String(length=64), nullable=False, comment="sha256 of the cookie's token; never the token"),
    sa.Column('username', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_account_sessions'))
    )
    op.create_index(op.f('ix_account_sessions_username'), 'account_sessions', ['username'], unique=False)
    op.create_table('enrolled_devices',
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False, comment='hub.domain.access.DEVICE_ROLES'),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('enrolled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('credential_hash', sa.String(length=64), nullable=True,
              comment="sha256 of the screen's cookie or the gateway's bearer token; null for broker-only devices"),
    sa.PrimaryKeyConstraint('device_id', name=op.f('pk_enrolled_devices')),
    sa.UniqueConstraint('credential_hash', name=op.f('uq_enrolled_devices_credential_hash'))
    )
    op.create_table('claim_codes',
    sa.Column('code_hash', sa.String(length=64), nullable=False, comment="HMAC-SHA256 of the code with the hub's secret"),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False, comment='the role the device gets when it claims'),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True,
              comment='set once, by the one claim that spent it (or a newer code, a revoke)'),
    sa.PrimaryKeyConstraint('code_hash', name=op.f('pk_claim_codes'))
    )
    op.create_index(op.f('ix_claim_codes_device_id'), 'claim_codes', ['device_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_claim_codes_device_id'), table_name='claim_codes')
    op.drop_table('claim_codes')
    op.drop_table('enrolled_devices')
    op.drop_index(op.f('ix_account_sessions_username'), table_name='account_sessions')
    op.drop_table('account_sessions')
    op.drop_table('accounts')
