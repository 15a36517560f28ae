"""Admin registrations for every model."""

from django.contrib import admin

from .models import (
    Alias,
    Article,
    ImportBatch,
    Mention,
    Outlet,
    Person,
    Quote,
    SlugRedirect,
    StoryCluster,
)


class AliasInline(admin.TabularInline):
    model = Alias
    extra = 0


class MentionInline(admin.TabularInline):
    model = Mention
    extra = 0
    autocomplete_fields = ["person"]


class QuoteInline(admin.StackedInline):
    model = Quote
    extra = 0
    autocomplete_fields = ["speaker"]


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "homepage"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "outlet", "published", "status", "word_count", "created"]
    list_filter = ["status", "outlet"]
    search_fields = ["title", "standfirst", "source"]
    date_hierarchy = "published"
    autocomplete_fields = ["outlet"]
    readonly_fields = ["raw", "content_hash", "source", "created", "updated", "word_count"]
    inlines = [MentionInline, QuoteInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "aliases__name"]
    inlines = [AliasInline]


@admin.register(Alias)
class AliasAdmin(admin.ModelAdmin):
    list_display = ["name", "person", "key"]
    search_fields = ["name", "person__name"]
    autocomplete_fields = ["person"]


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    list_display = ["person", "article", "count"]
    autocomplete_fields = ["person", "article"]


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = ["__str__", "speaker", "speaker_label", "article"]
    search_fields = ["text", "speaker_label", "speaker__name"]
    autocomplete_fields = ["speaker", "article"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["__str__", "origin", "user", "created_count", "unchanged_count", "failed_count"]
    readonly_fields = ["created", "report"]


admin.site.register(StoryCluster)
admin.site.register(SlugRedirect)
