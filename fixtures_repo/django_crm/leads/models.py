from django.db import models


class Lead(models.Model):
    name = models.CharField(max_length=200)
    email = models.EmailField()
    score = models.IntegerField(default=0)

    def __str__(self):
        return self.name
