import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = [("leads", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="Invoice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("amount_cents", models.IntegerField()),
                ("paid", models.BooleanField(default=False)),
                ("lead", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="leads.lead")),
            ],
        ),
    ]
