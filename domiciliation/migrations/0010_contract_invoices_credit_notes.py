"""The running contract: contracts and their timeline, greffe notices, invoices of a
contract's periods (status, due date, period), credit notes, saved payment methods;
payments point at the invoice they pay."""

import common.uploads
import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import uuid
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0002_reference_data'),
        ('domiciliation', '0009_previews_signed_elsewhere_proof_grammar'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The first payment's invoice pointed at its payment; payments now point at the
        # invoice they pay (0010 copies the link, 0011 drops this field).
        migrations.AlterField(
            model_name='invoice',
            name='payment',
            field=models.OneToOneField(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='domiciliation.payment'),
        ),
        migrations.AlterField(
            model_name='casedocument',
            name='kind',
            field=models.CharField(choices=[('contract', 'Contrat à signer'), ('signed_contract', 'Contrat signé et scellé'), ('attestation', 'Attestation de domiciliation'), ('end_attestation', 'Attestation de fin de domiciliation')], max_length=20, verbose_name='document'),
        ),
        migrations.CreateModel(
            name='Contract',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('number', models.CharField(max_length=20, verbose_name='numéro')),
                ('status', models.CharField(choices=[('running', 'En cours'), ('notice', 'En préavis'), ('suspended', 'Suspendu pour impayé'), ('ended', 'Terminé')], default='running', max_length=10, verbose_name='statut')),
                ('company_name', models.CharField(max_length=200, verbose_name='dénomination')),
                ('siren', models.CharField(blank=True, max_length=9, verbose_name='SIREN')),
                ('starts_on', models.DateField(verbose_name='début')),
                ('billing_months', models.PositiveSmallIntegerField(choices=[(1, 'Mensuelle'), (3, 'Trimestrielle'), (6, 'Semestrielle'), (12, 'Annuelle')], verbose_name='périodicité de facturation')),
                ('initial_months', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(3)], verbose_name='durée initiale (mois)')),
                ('notice_months', models.PositiveSmallIntegerField(default=1, verbose_name='préavis (mois)')),
                ('monthly_price', models.DecimalField(decimal_places=2, max_digits=8, validators=[django.core.validators.MinValueValidator(Decimal('0.01')), django.core.validators.MaxValueValidator(Decimal('9999.99'))], verbose_name='prix mensuel HT')),
                ('mail_scan', models.BooleanField(default=False, verbose_name='numérisation du courrier')),
                ('mail_scan_price', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=8, verbose_name='numérisation, prix mensuel HT')),
                ('forwarding', models.CharField(choices=[('none', 'Sans réexpédition'), ('weekly', 'Réexpédition hebdomadaire'), ('monthly', 'Réexpédition mensuelle')], default='none', max_length=10, verbose_name='réexpédition')),
                ('forwarding_price', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=8, verbose_name='réexpédition, prix mensuel HT')),
                ('pending_terms', models.JSONField(blank=True, default=dict, verbose_name='changements annoncés')),
                ('pending_from', models.DateField(blank=True, null=True, verbose_name='changements à partir du')),
                ('next_period', models.PositiveIntegerField(default=1, verbose_name='prochaine période')),
                ('next_billing_on', models.DateField(db_index=True, verbose_name='prochaine facture le')),
                ('term_ends_on', models.DateField(verbose_name='fin de la période contractuelle en cours')),
                ('termination', models.CharField(blank=True, choices=[('company_notice', 'Résiliation par le domicilié'), ('seat_transfer', 'Transfert de siège'), ('provider_cause', 'Résiliation par le domiciliataire pour manquement'), ('non_payment', 'Résiliation pour impayé')], max_length=20, verbose_name='motif de fin')),
                ('termination_note', models.TextField(blank=True, verbose_name='précisions')),
                ('notice_given_on', models.DateField(blank=True, null=True, verbose_name='préavis donné le')),
                ('ends_on', models.DateField(blank=True, null=True, verbose_name='dernier jour de domiciliation')),
                ('ended_at', models.DateTimeField(blank=True, null=True, verbose_name='terminé le')),
                ('suspended_at', models.DateTimeField(blank=True, null=True, verbose_name='suspendu le')),
                ('stripe_customer', models.CharField(blank=True, max_length=255, verbose_name='client Stripe')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='créé le')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='modifié le')),
            ],
            options={
                'verbose_name': 'contrat de domiciliation',
                'verbose_name_plural': 'contrats de domiciliation',
                'ordering': ['-starts_on', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='ContractEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('note', models.TextField(blank=True, verbose_name='note')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='le')),
                ('from_status', models.CharField(blank=True, choices=[('running', 'En cours'), ('notice', 'En préavis'), ('suspended', 'Suspendu pour impayé'), ('ended', 'Terminé')], max_length=20, verbose_name='de')),
                ('to_status', models.CharField(blank=True, choices=[('running', 'En cours'), ('notice', 'En préavis'), ('suspended', 'Suspendu pour impayé'), ('ended', 'Terminé')], max_length=20, verbose_name='vers')),
            ],
            options={
                'verbose_name': 'événement du contrat',
                'verbose_name_plural': 'événements du contrat',
                'ordering': ['created_at', 'pk'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='CreditNote',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('number', models.CharField(max_length=30, verbose_name='numéro')),
                ('issue_date', models.DateField(verbose_name='date d’émission')),
                ('reason', models.CharField(choices=[('refund', 'Remboursement'), ('cancellation', 'Annulation de la facture'), ('contract_end', 'Fin du contrat : période non utilisée')], max_length=20, verbose_name='motif')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='précision')),
                ('lines', models.JSONField(blank=True, default=list, verbose_name='lignes')),
                ('amount_excl_tax', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='montant HT')),
                ('vat_amount', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='TVA')),
                ('amount_incl_tax', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='montant TTC')),
                ('refund_due', models.BooleanField(default=False, verbose_name='à rembourser')),
                ('refunded_at', models.DateTimeField(blank=True, null=True, verbose_name='remboursé le')),
                ('pdf', models.FileField(blank=True, storage=common.uploads.private_storage, upload_to=common.uploads.UuidUploadTo('credit-notes'), verbose_name='PDF')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='créé le')),
            ],
            options={
                'verbose_name': 'avoir de domiciliation',
                'verbose_name_plural': 'avoirs de domiciliation',
                'ordering': ['-issue_date', '-number'],
            },
        ),
        migrations.CreateModel(
            name='GreffeNotice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('kind', models.CharField(choices=[('contract_end', 'Fin du contrat de domiciliation')], max_length=20, verbose_name='objet')),
                ('status', models.CharField(choices=[('due', 'À signaler au greffe'), ('sent', 'Envoyé au greffe')], default='due', max_length=10, verbose_name='statut')),
                ('event_date', models.DateField(verbose_name='date du fait signalé')),
                ('pdf', models.FileField(blank=True, storage=common.uploads.private_storage, upload_to=common.uploads.UuidUploadTo('greffe'), verbose_name='lettre (PDF)')),
                ('sent_on', models.DateField(blank=True, null=True, verbose_name='envoyé le')),
                ('channel', models.CharField(blank=True, choices=[('registered_letter', 'Lettre recommandée avec avis de réception'), ('letter', 'Lettre simple'), ('email', 'Courriel au greffe'), ('online', 'Dépôt en ligne')], max_length=20, verbose_name='envoyé par')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='créé le')),
            ],
            options={
                'verbose_name': 'avis au greffe',
                'verbose_name_plural': 'avis au greffe',
                'ordering': ['created_at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='GreffeNoticeEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('from_status', models.CharField(blank=True, max_length=20, verbose_name='de')),
                ('to_status', models.CharField(blank=True, max_length=20, verbose_name='vers')),
                ('note', models.TextField(blank=True, verbose_name='note')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='le')),
            ],
            options={
                'verbose_name': 'événement de l’avis au greffe',
                'verbose_name_plural': 'événements de l’avis au greffe',
                'ordering': ['created_at', 'pk'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='InvoiceEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('note', models.TextField(blank=True, verbose_name='note')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='le')),
                ('from_status', models.CharField(blank=True, choices=[('issued', 'À payer'), ('overdue', 'En retard'), ('paid', 'Payée'), ('cancelled', 'Annulée par avoir')], max_length=20, verbose_name='de')),
                ('to_status', models.CharField(blank=True, choices=[('issued', 'À payer'), ('overdue', 'En retard'), ('paid', 'Payée'), ('cancelled', 'Annulée par avoir')], max_length=20, verbose_name='vers')),
            ],
            options={
                'verbose_name': 'événement de la facture',
                'verbose_name_plural': 'événements de la facture',
                'ordering': ['created_at', 'pk'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='SavedPaymentMethod',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('gateway', models.CharField(choices=[('stripe', 'Carte bancaire (Stripe)'), ('simulated', 'Carte bancaire (paiement simulé)'), ('transfer', 'Virement bancaire')], max_length=10, verbose_name='prestataire')),
                ('kind', models.CharField(choices=[('card', 'Carte bancaire'), ('sepa_debit', 'Prélèvement SEPA')], max_length=12, verbose_name='type')),
                ('label', models.CharField(max_length=100, verbose_name='libellé')),
                ('method_id', models.CharField(max_length=255, verbose_name='identifiant du moyen de paiement')),
                ('setup_reference', models.CharField(blank=True, max_length=255, verbose_name='session d’enregistrement')),
                ('is_active', models.BooleanField(default=True, verbose_name='en usage')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='enregistré le')),
            ],
            options={
                'verbose_name': 'moyen de paiement enregistré',
                'verbose_name_plural': 'moyens de paiement enregistrés',
                'ordering': ['-created_at', '-pk'],
            },
        ),
        migrations.RemoveConstraint(
            model_name='payment',
            name='payment_one_succeeded_per_case',
        ),
        migrations.AddField(
            model_name='invoice',
            name='due_date',
            field=models.DateField(blank=True, null=True, verbose_name='à payer avant le'),
        ),
        migrations.AddField(
            model_name='invoice',
            name='kind',
            field=models.CharField(choices=[('first', 'Premier paiement'), ('period', 'Période du contrat'), ('option', 'Option ajoutée en cours de période')], default='first', max_length=10, verbose_name='objet'),
        ),
        migrations.AddField(
            model_name='invoice',
            name='lines',
            field=models.JSONField(blank=True, default=list, verbose_name='lignes'),
        ),
        migrations.AddField(
            model_name='invoice',
            name='monthly_excl_tax',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=10, verbose_name='mensualité HT'),
        ),
        migrations.AddField(
            model_name='invoice',
            name='paid_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='payée le'),
        ),
        migrations.AddField(
            model_name='invoice',
            name='period_end',
            field=models.DateField(blank=True, null=True, verbose_name='au'),
        ),
        migrations.AddField(
            model_name='invoice',
            name='period_index',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='période'),
        ),
        migrations.AddField(
            model_name='invoice',
            name='period_start',
            field=models.DateField(blank=True, null=True, verbose_name='du'),
        ),
        migrations.AddField(
            model_name='invoice',
            name='reminders_sent',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='relances envoyées'),
        ),
        # Every invoice issued so far is a first payment's, paid.
        migrations.AddField(
            model_name='invoice',
            name='status',
            field=models.CharField(choices=[('issued', 'À payer'), ('overdue', 'En retard'), ('paid', 'Payée'), ('cancelled', 'Annulée par avoir')], default='paid', max_length=10, verbose_name='statut'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='status',
            field=models.CharField(choices=[('issued', 'À payer'), ('overdue', 'En retard'), ('paid', 'Payée'), ('cancelled', 'Annulée par avoir')], default='issued', max_length=10, verbose_name='statut'),
        ),
        migrations.AddField(
            model_name='payment',
            name='failure_reason',
            field=models.CharField(blank=True, max_length=500, verbose_name='motif du refus'),
        ),
        migrations.AddField(
            model_name='payment',
            name='idempotency_key',
            field=models.CharField(blank=True, max_length=120, verbose_name='clé d’idempotence'),
        ),
        migrations.AddField(
            model_name='payment',
            name='invoice',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='payments', related_query_name='payment', to='domiciliation.invoice'),
        ),
        migrations.AlterField(
            model_name='invoice',
            name='case',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='invoices', to='domiciliation.case'),
        ),
        migrations.AddField(
            model_name='contract',
            name='case',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='contract', to='domiciliation.case'),
        ),
        migrations.AddField(
            model_name='contract',
            name='owner',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='domiciliation_contracts', to=settings.AUTH_USER_MODEL, verbose_name='entreprise (compte)'),
        ),
        migrations.AddField(
            model_name='contract',
            name='provider',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='contracts', to='directory.provider'),
        ),
        migrations.AddField(
            model_name='invoice',
            name='contract',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='invoices', to='domiciliation.contract'),
        ),
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(fields=['provider', 'status', 'due_date'], name='invoice_provider_due'),
        ),
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(fields=['status', 'due_date'], name='invoice_status_due'),
        ),
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(fields=['provider', 'period_start'], name='invoice_provider_period'),
        ),
        migrations.AddConstraint(
            model_name='invoice',
            constraint=models.UniqueConstraint(condition=models.Q(('kind__in', ['first', 'period']), models.Q(('status', 'cancelled'), _negated=True)), fields=('contract', 'period_index'), name='invoice_one_per_contract_period'),
        ),
        migrations.AddConstraint(
            model_name='invoice',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'first')), fields=('case',), name='invoice_one_first_per_case'),
        ),
        migrations.AddField(
            model_name='contractevent',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='par'),
        ),
        migrations.AddField(
            model_name='contractevent',
            name='contract',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='domiciliation.contract'),
        ),
        migrations.AddField(
            model_name='creditnote',
            name='case',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='credit_notes', to='domiciliation.case'),
        ),
        migrations.AddField(
            model_name='creditnote',
            name='contract',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='credit_notes', to='domiciliation.contract'),
        ),
        migrations.AddField(
            model_name='creditnote',
            name='invoice',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='credit_notes', to='domiciliation.invoice'),
        ),
        migrations.AddField(
            model_name='creditnote',
            name='provider',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='directory.provider'),
        ),
        migrations.AddField(
            model_name='greffenotice',
            name='contract',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='greffe_notices', to='domiciliation.contract'),
        ),
        migrations.AddField(
            model_name='greffenotice',
            name='provider',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='directory.provider'),
        ),
        migrations.AddField(
            model_name='greffenotice',
            name='sent_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='enregistré par'),
        ),
        migrations.AddField(
            model_name='greffenoticeevent',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='par'),
        ),
        migrations.AddField(
            model_name='greffenoticeevent',
            name='notice',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='domiciliation.greffenotice'),
        ),
        migrations.AddField(
            model_name='invoiceevent',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='par'),
        ),
        migrations.AddField(
            model_name='invoiceevent',
            name='invoice',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='domiciliation.invoice'),
        ),
        migrations.AddField(
            model_name='savedpaymentmethod',
            name='contract',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='payment_methods', to='domiciliation.contract'),
        ),
        migrations.AddField(
            model_name='payment',
            name='saved_method',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='payments', to='domiciliation.savedpaymentmethod', verbose_name='moyen de paiement enregistré'),
        ),
        migrations.AddIndex(
            model_name='payment',
            index=models.Index(fields=['provider_payment_id'], name='payment_provider_id'),
        ),
        migrations.AddConstraint(
            model_name='payment',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'succeeded')), fields=('invoice',), name='payment_one_succeeded_per_invoice'),
        ),
        migrations.AddIndex(
            model_name='contract',
            index=models.Index(fields=['provider', 'status', 'company_name'], name='contract_provider_status'),
        ),
        migrations.AddIndex(
            model_name='contract',
            index=models.Index(fields=['status', 'next_billing_on'], name='contract_status_billing'),
        ),
        migrations.AddConstraint(
            model_name='contract',
            constraint=models.UniqueConstraint(fields=('provider', 'number'), name='contract_number_per_provider'),
        ),
        migrations.AddConstraint(
            model_name='creditnote',
            constraint=models.UniqueConstraint(fields=('provider', 'number'), name='credit_note_number_per_provider'),
        ),
        migrations.AddIndex(
            model_name='greffenotice',
            index=models.Index(fields=['provider', 'status', 'created_at'], name='greffe_provider_status'),
        ),
        migrations.AddConstraint(
            model_name='greffenotice',
            constraint=models.UniqueConstraint(fields=('contract', 'kind', 'event_date'), name='greffe_notice_once_per_fact'),
        ),
        migrations.AddConstraint(
            model_name='savedpaymentmethod',
            constraint=models.UniqueConstraint(condition=models.Q(('is_active', True)), fields=('contract',), name='payment_method_one_active_per_contract'),
        ),
        migrations.AddConstraint(
            model_name='savedpaymentmethod',
            constraint=models.UniqueConstraint(condition=models.Q(('setup_reference', ''), _negated=True), fields=('setup_reference',), name='payment_method_once_per_setup'),
        ),
    ]
