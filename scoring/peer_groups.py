"""Peer groups: residences that are alike in structure and context, found by KMeans.

Groups are formed on structural and contextual features only (size, typology mix, construction
period, rent level, QPV, centrality, equipment level, PSP class), never on occupancy, which is
what the rebalancing flags judge. The caller chooses the features (``services/``); this module
accepts any numeric table indexed by ``residence_id``.

Pipeline, fitted once and stored in attributes ending in ``_`` (scikit-learn style):

1. missing values are imputed with the column median (no residence is ever dropped);
2. configured transforms (``log1p`` for skewed counts and distances) are applied;
3. columns are standardised with the fitted mean and standard deviation (a constant column gets
   a scale of 1, so it weighs nothing), then multiplied by their configured weight;
4. KMeans (``n_init`` ≥ 10, fixed ``random_state``). The number of groups is fixed by the caller
   or the configuration, or chosen by the mean silhouette over ``k_min``–``k_max``. On large
   tables the choice is made on a random subsample of ``selection_sample_size`` residences and
   the silhouette itself on ``silhouette_sample_size`` of them; the final partition is always
   fitted on every residence. Below ``parallel_min_rows`` rows the work runs on one thread;
5. groups are numbered by decreasing size (ties: by centroid), and rows are sorted by
   ``residence_id`` before fitting, so the same data gives the same labels and names whatever
   the row order.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score
from threadpoolctl import threadpool_limits

from config import ConfigError, load_toml
from config.scales import fill_scales
from scoring.flag_settings import checked_keys
from scoring.peer_names import FeatureSpec, NamingSettings, default_spec, name_groups

CONFIG_FILE = "peers.toml"


@dataclass(frozen=True)
class GroupingSettings:
    """How peer groups are formed and named.

    Parameters
    ----------
    features : tuple of FeatureSpec
        The configured features, in the order the caller should pass them.
    n_groups : int or None
        Fixed number of groups; ``None`` chooses it by silhouette.
    k_min, k_max : int
        Range searched by the silhouette (inclusive).
    n_init : int
        KMeans restarts (at least 10).
    selection_sample_size : int
        Largest number of residences on which the number of groups is chosen.
    silhouette_sample_size : int
        Largest number of residences on which a silhouette is computed.
    bootstrap_resamples : int
        Default number of resamples of :func:`bootstrap_stability`.
    parallel_min_rows : int
        Below this many rows KMeans and the silhouette run on one thread: starting and
        synchronising threads costs more than it saves on small tables (see ``bench/``).
    psp_levels : tuple of (str, int)
        Encoding of the PSP class into an intervention level, for the caller.
    naming : NamingSettings
        Global naming rules.
    """

    features: tuple[FeatureSpec, ...] = ()
    n_groups: int | None = None
    k_min: int = 4
    k_max: int = 10
    n_init: int = 10
    selection_sample_size: int = 10_000
    silhouette_sample_size: int = 5_000
    bootstrap_resamples: int = 20
    parallel_min_rows: int = 50_000
    psp_levels: tuple[tuple[str, int], ...] = ()
    naming: NamingSettings = field(default_factory=NamingSettings)

    def __post_init__(self) -> None:
        if self.n_groups is not None and self.n_groups < 1:
            raise ConfigError(f"[groups] n_groups = {self.n_groups} : attendu 0 (auto) ou ≥ 1.")
        if not 2 <= self.k_min <= self.k_max:
            raise ConfigError(
                f"[groups] k_min = {self.k_min}, k_max = {self.k_max} : attendu 2 ≤ k_min ≤ k_max."
            )
        if self.n_init < 10:
            raise ConfigError(f"[groups] n_init = {self.n_init} : attendu au moins 10.")
        if self.selection_sample_size < 100 or self.silhouette_sample_size < 100:
            raise ConfigError(
                "[groups] selection_sample_size et silhouette_sample_size : attendu au moins 100."
            )
        if self.bootstrap_resamples < 1 or self.parallel_min_rows < 0:
            raise ConfigError("[groups] bootstrap_resamples ≥ 1 et parallel_min_rows ≥ 0 attendus.")
        names = [f.name for f in self.features]
        if len(set(names)) != len(names):
            raise ConfigError("[groups.features] : caractéristique configurée deux fois.")

    @property
    def feature_names(self) -> list[str]:
        """Names of the configured features, in order."""
        return [f.name for f in self.features]

    @property
    def feature_labels(self) -> dict[str, str]:
        """French label of each configured feature."""
        return {f.name: f.label for f in self.features}

    def spec(self, name: str) -> FeatureSpec:
        """Return the rule of feature ``name`` (a default rule when it is not configured)."""
        for spec in self.features:
            if spec.name == name:
                return spec
        return default_spec(name)


def grouping_settings_from_mapping(data: Mapping) -> GroupingSettings:
    """Build :class:`GroupingSettings` from the content of ``peers.toml``.

    Parameters
    ----------
    data : mapping
        The whole file, as read by :func:`config.load_toml`; only ``[groups]`` is used.

    Raises
    ------
    ConfigError
        With a French message naming the offending table and key.
    """
    section = dict(data.get("groups", {}))
    features_table = section.pop("features", {})
    naming_table = section.pop("naming", {})
    psp_table = section.pop("psp_levels", {})
    try:
        specs = tuple(_feature_spec(name, table, data) for name, table in features_table.items())
        naming = NamingSettings(**checked_keys(NamingSettings, naming_table, "[groups.naming]"))
        kwargs = checked_keys(GroupingSettings, section, "[groups]")
        if kwargs.get("n_groups") == 0:
            kwargs["n_groups"] = None
        return GroupingSettings(
            features=specs,
            naming=naming,
            psp_levels=tuple((str(k), int(v)) for k, v in psp_table.items()),
            **kwargs,
        )
    except TypeError as exc:
        raise ConfigError(
            f"config/{CONFIG_FILE}, [groups] : valeur de type inattendu ({exc})."
        ) from exc


def _feature_spec(name: str, table: Mapping, data: Mapping) -> FeatureSpec:
    where = f"[groups.features.{name}]"
    spec = FeatureSpec(name=name, **checked_keys(FeatureSpec, table, where))
    label = fill_scales(spec.label, data, f"config/{CONFIG_FILE}, {where}")
    return dataclasses.replace(spec, label=label)


def load_grouping_settings() -> GroupingSettings:
    """Read the ``[groups]`` table of ``config/peers.toml``."""
    return grouping_settings_from_mapping(load_toml(CONFIG_FILE))


# --- Input checks and preparation -----------------------------------------------------------------


def _check_features(features: pd.DataFrame, allow_empty_columns: bool = False) -> pd.DataFrame:
    """Return a float copy of ``features`` sorted by residence_id, after checking it."""
    if not isinstance(features, pd.DataFrame):
        raise TypeError(
            "features : attendu un DataFrame indexé par residence_id, "
            f"reçu {type(features).__name__}."
        )
    if features.shape[0] == 0 or features.shape[1] == 0:
        raise ValueError(
            f"features : tableau vide ({features.shape[0]} lignes, {features.shape[1]} colonnes)."
        )
    duplicated = features.index[features.index.duplicated()]
    if len(duplicated):
        raise ValueError(
            "features : residence_id en double : "
            + ", ".join(map(str, duplicated.unique()[:5]))
            + "."
        )
    bad = [
        str(c)
        for c in features.columns
        if not (
            pd.api.types.is_bool_dtype(features[c]) or pd.api.types.is_numeric_dtype(features[c])
        )
    ]
    if bad:
        raise ValueError(
            "features : colonnes non numériques "
            + ", ".join(f"« {c} »" for c in bad)
            + " ; encodez-les (par exemple la classe PSP en niveau d'intervention)."
        )
    values = features.to_numpy(dtype=float, na_value=np.nan)
    if np.isinf(values).any():
        cols = features.columns[np.isinf(values).any(axis=0)]
        raise ValueError(
            "features : valeurs infinies dans " + ", ".join(f"« {c} »" for c in cols) + "."
        )
    empty = features.columns[np.isnan(values).all(axis=0)]
    if len(empty) and not allow_empty_columns:
        raise ValueError(
            "features : colonnes entièrement vides " + ", ".join(f"« {c} »" for c in empty) + "."
        )
    table = pd.DataFrame(values, index=features.index, columns=[str(c) for c in features.columns])
    try:
        return table.sort_index(kind="stable")
    except TypeError:
        return table


@dataclass(frozen=True)
class _Scaling:
    """Fitted imputation, transform and standardisation parameters."""

    medians: np.ndarray
    log_mask: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray

    def transform(self, raw: np.ndarray) -> np.ndarray:
        filled = np.where(np.isnan(raw), self.medians, raw)
        return (_apply_log(filled, self.log_mask) - self.mean) / self.scale * self.weights


def _apply_log(values: np.ndarray, log_mask: np.ndarray) -> np.ndarray:
    if not log_mask.any():
        return values
    out = values.copy()
    out[:, log_mask] = np.log1p(np.clip(values[:, log_mask], 0.0, None))
    return out


def _fit_scaling(raw: np.ndarray, log_mask: np.ndarray, weights: np.ndarray) -> _Scaling:
    medians = np.nanmedian(raw, axis=0)
    filled = np.where(np.isnan(raw), medians, raw)
    transformed = _apply_log(filled, log_mask)
    mean = transformed.mean(axis=0)
    scale = transformed.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    return _Scaling(medians, log_mask, mean, scale, weights)


@contextlib.contextmanager
def _threads(n_rows: int, parallel_min_rows: int) -> Iterator[None]:
    """One OpenMP thread for small tables, the library default for large ones."""
    if n_rows >= parallel_min_rows:
        yield
    else:
        with threadpool_limits(limits=1):
            yield


def _kmeans(z: np.ndarray, k: int, n_init: int, random_state: int) -> KMeans:
    return KMeans(n_clusters=k, n_init=n_init, random_state=random_state).fit(z)


def _silhouette(z: np.ndarray, labels: np.ndarray, sample_size: int, random_state: int) -> float:
    if len(np.unique(labels)) < 2:
        return math.nan
    size = sample_size if z.shape[0] > sample_size else None
    return float(silhouette_score(z, labels, sample_size=size, random_state=random_state))


def _n_distinct(z: np.ndarray) -> int:
    return int(np.unique(z, axis=0).shape[0])


# --- The estimator --------------------------------------------------------------------------------


class PeerGroups:
    """Group residences with their structural and contextual peers, and name the groups.

    Parameters
    ----------
    n_groups : int, optional
        Number of groups. When absent, the configured value is used, and when that is ``0`` the
        number is chosen by silhouette over ``k_min``–``k_max``.
    random_state : int, default 0
        Seed of KMeans and of the subsamples; the same data and seed give the same groups.
    settings : GroupingSettings, optional
        Rules for weights, transforms and names; ``config/peers.toml`` when absent.

    Attributes
    ----------
    labels_ : pandas.Series
        Group of each residence (int, 0 = largest group), indexed like the input.
    names_ : pandas.Series
        Unique French name of each group, indexed by group.
    sizes_ : pandas.Series
        Number of residences of each group.
    silhouette_ : float
        Mean silhouette of the partition (on a sample of ``silhouette_sample_size`` residences
        when larger); NaN for a single group.
    silhouette_by_k_ : pandas.Series
        Silhouette of each number of groups tried (empty when the number was fixed).
    n_groups_ : int
        Number of groups.
    centroids_ : pandas.DataFrame
        Group means of each feature in original units (after imputation).
    centroid_z_ : pandas.DataFrame
        Group means in population standard deviations (unweighted, after transform), the basis
        of the names.
    cluster_centers_ : numpy.ndarray
        KMeans centres in the weighted standardised space, in label order.
    feature_names_in_ : list of str
        Columns seen by :meth:`fit`.
    medians_, mean_, scale_, weights_ : pandas.Series
        Imputation medians (original units), mean and standard deviation (after transform) and
        weights of each feature.
    inertia_ : float
        KMeans within-group sum of squares.
    """

    def __init__(
        self,
        n_groups: int | None = None,
        random_state: int = 0,
        settings: GroupingSettings | None = None,
    ) -> None:
        self.n_groups = n_groups
        self.random_state = random_state
        self.settings = settings

    # -- fitting --

    def _resolved_settings(self) -> GroupingSettings:
        settings = self.settings
        if settings is None:
            return load_grouping_settings()
        return getattr(settings, "grouping", settings)

    def fit(self, features: pd.DataFrame) -> PeerGroups:
        """Form the peer groups of ``features``.

        Parameters
        ----------
        features : pandas.DataFrame
            Numeric (or boolean) features indexed by ``residence_id``; missing values allowed.

        Returns
        -------
        PeerGroups
            ``self``, fitted.

        Raises
        ------
        TypeError, ValueError
            On a table that is not a DataFrame, is empty, has duplicate identifiers, non-numeric
            or empty columns, infinite values, or too few distinct residences for the groups.
        """
        settings = self._resolved_settings()
        table = _check_features(features)
        columns = list(table.columns)
        specs = {c: settings.spec(c) for c in columns}
        log_mask = np.array([specs[c].transform == "log1p" for c in columns])
        weights = np.array([specs[c].weight for c in columns], dtype=float)
        raw = table.to_numpy(dtype=float, copy=True)
        scaling = _fit_scaling(raw, log_mask, weights)
        z = scaling.transform(raw)

        k_fixed = self.n_groups if self.n_groups is not None else settings.n_groups
        if k_fixed is not None:
            k_fixed = int(k_fixed)
            n_distinct = _n_distinct(z)
            if not 1 <= k_fixed <= n_distinct:
                raise ValueError(
                    f"n_groups = {k_fixed} : attendu entre 1 et le nombre de résidences "
                    f"distinctes ({n_distinct})."
                )
            with _threads(z.shape[0], settings.parallel_min_rows):
                model = _kmeans(z, k_fixed, settings.n_init, self.random_state)
            by_k = pd.Series(dtype=float, name="silhouette")
        else:
            model, by_k = self._select(z, settings)

        order = self._ordering(model)
        relabel = np.empty_like(order)
        relabel[order] = np.arange(order.size)
        labels = relabel[model.labels_]
        k = order.size

        self.feature_names_in_ = columns
        self.n_features_in_ = len(columns)
        self.medians_ = pd.Series(scaling.medians, index=columns, name="median")
        self.mean_ = pd.Series(scaling.mean, index=columns, name="mean")
        self.scale_ = pd.Series(scaling.scale, index=columns, name="scale")
        self.weights_ = pd.Series(weights, index=columns, name="weight")
        self._scaling = scaling
        self.n_groups_ = k
        self.cluster_centers_ = model.cluster_centers_[order]
        self.inertia_ = float(model.inertia_)
        self.silhouette_by_k_ = by_k
        sampled = min(z.shape[0], settings.silhouette_sample_size)
        with _threads(sampled, settings.parallel_min_rows):
            self.silhouette_ = _silhouette(
                z, labels, settings.silhouette_sample_size, self.random_state
            )

        group_index = pd.Index(range(k), name="group")
        sorted_labels = pd.Series(labels, index=table.index, name="group")
        filled = pd.DataFrame(
            np.where(np.isnan(raw), scaling.medians, raw), index=table.index, columns=columns
        )
        by_group = filled.groupby(labels)
        self.sizes_ = pd.Series(
            np.bincount(labels, minlength=k), index=group_index, name="n_residences"
        )
        self.centroids_ = by_group.mean().reindex(group_index)
        unweighted = pd.DataFrame(z / weights, index=table.index, columns=columns)
        self.centroid_z_ = unweighted.groupby(labels).mean().reindex(group_index)
        self.names_ = name_groups(
            self.centroid_z_,
            self.centroids_,
            by_group.quantile(0.25).reindex(group_index),
            by_group.quantile(0.75).reindex(group_index),
            specs,
            settings.naming,
        )
        self.labels_ = sorted_labels.reindex(features.index)
        return self

    def _select(self, z: np.ndarray, settings: GroupingSettings) -> tuple[KMeans, pd.Series]:
        """Choose the number of groups by silhouette and return the model fitted on all rows."""
        n = z.shape[0]
        if n > settings.selection_sample_size:
            rng = np.random.default_rng(self.random_state)
            rows = np.sort(rng.choice(n, settings.selection_sample_size, replace=False))
            sample = z[rows]
        else:
            sample = z
        n_distinct = _n_distinct(sample)
        k_high = min(settings.k_max, n_distinct - 1)
        if k_high < 2:
            raise ValueError(
                f"features : {n_distinct} résidence(s) distincte(s), trop peu pour choisir un "
                "nombre de groupes (au moins 3)."
            )
        k_low = min(settings.k_min, k_high)
        scores: dict[int, float] = {}
        models: dict[int, KMeans] = {}
        with _threads(sample.shape[0], settings.parallel_min_rows):
            for k in range(k_low, k_high + 1):
                model = _kmeans(sample, k, settings.n_init, self.random_state)
                scores[k] = _silhouette(
                    sample, model.labels_, settings.silhouette_sample_size, self.random_state
                )
                models[k] = model
        best = max(scores, key=lambda k: (scores[k], -k))
        by_k = pd.Series(scores, name="silhouette").rename_axis("n_groups")
        if sample is z:
            return models[best], by_k
        with _threads(n, settings.parallel_min_rows):
            return _kmeans(z, best, settings.n_init, self.random_state), by_k

    @staticmethod
    def _ordering(model: KMeans) -> np.ndarray:
        """Old cluster numbers in their new order: decreasing size, then centroid."""
        k = model.cluster_centers_.shape[0]
        sizes = np.bincount(model.labels_, minlength=k)
        centres = np.round(model.cluster_centers_, 9)
        keys = sorted(range(k), key=lambda c: (-sizes[c], tuple(centres[c])))
        return np.array(keys, dtype=int)

    # -- using a fitted model --

    def _check_fitted(self) -> None:
        if not hasattr(self, "labels_"):
            raise RuntimeError("PeerGroups : appelez fit() avant d'utiliser le modèle.")

    def predict(self, features: pd.DataFrame) -> pd.Series:
        """Assign residences (new or not) to the nearest fitted group.

        Parameters
        ----------
        features : pandas.DataFrame
            Same columns as at fit (extra columns are ignored), indexed by ``residence_id``.

        Returns
        -------
        pandas.Series
            Group of each residence, named ``group``, indexed like ``features``.
        """
        self._check_fitted()
        missing = [c for c in self.feature_names_in_ if c not in features.columns]
        if missing:
            raise ValueError(
                "features : colonnes manquantes " + ", ".join(f"« {c} »" for c in missing) + "."
            )
        table = _check_features(features[self.feature_names_in_], allow_empty_columns=True)
        z = self._scaling.transform(table.reindex(features.index).to_numpy(dtype=float))
        centres = self.cluster_centers_
        distances = (centres**2).sum(axis=1)[None, :] - 2.0 * z @ centres.T
        return pd.Series(distances.argmin(axis=1), index=features.index, name="group")

    def group_names(self) -> pd.Series:
        """Return the French group name of each residence, indexed like the fitted input."""
        self._check_fitted()
        return self.labels_.map(self.names_).rename("group_name")


# --- Stability ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeerStability:
    """Bootstrap stability of a partition into peer groups.

    Attributes
    ----------
    n_groups : int
        Number of groups of every fit.
    n_resamples : int
        Number of bootstrap resamples.
    mean_ari, std_ari, min_ari : float
        Mean, standard deviation and minimum of the adjusted Rand index between the full-data
        groups and each resample's groups, on the residences drawn in the resample.
    ari : tuple of float
        The index of each resample.
    """

    n_groups: int
    n_resamples: int
    mean_ari: float
    std_ari: float
    min_ari: float
    ari: tuple[float, ...]


def bootstrap_stability(
    features: pd.DataFrame,
    n_groups: int | None = None,
    n_resamples: int | None = None,
    random_state: int = 0,
    settings: GroupingSettings | None = None,
) -> PeerStability:
    """Measure how stable the peer groups are when the residences are resampled.

    Each resample draws as many residences as the table holds, with replacement, refits the whole
    pipeline (imputation, standardisation, KMeans with the same number of groups) and assigns the
    residences drawn to its groups; the adjusted Rand index compares that partition with the
    full-data one on those residences (1 = identical, 0 = chance).

    Parameters
    ----------
    features : pandas.DataFrame
        As for :meth:`PeerGroups.fit`.
    n_groups : int, optional
        Number of groups; when absent, the one :class:`PeerGroups` chooses on the full data
        (so this measures the stability of the partition, not of the choice of its size).
    n_resamples : int, optional
        Number of resamples; ``bootstrap_resamples`` of the configuration when absent.
    random_state : int, default 0
        Seed of the full fit and of the resamples.
    settings : GroupingSettings, optional
        As for :class:`PeerGroups`.

    Returns
    -------
    PeerStability
    """
    full = PeerGroups(n_groups, random_state, settings).fit(features)
    settings = full._resolved_settings()
    n_resamples = n_resamples if n_resamples is not None else settings.bootstrap_resamples
    if n_resamples < 1:
        raise ValueError(f"n_resamples = {n_resamples} : attendu au moins 1.")
    table = _check_features(features)
    raw = table.to_numpy(dtype=float)
    reference = full.labels_.reindex(table.index).to_numpy()
    scaling = full._scaling
    n = raw.shape[0]
    rng = np.random.default_rng(random_state)
    scores = []
    with _threads(n, settings.parallel_min_rows):
        for b in range(n_resamples):
            rows = rng.integers(0, n, n)
            boot = _fit_scaling(raw[rows], scaling.log_mask, scaling.weights)
            model = _kmeans(
                boot.transform(raw[rows]), full.n_groups_, settings.n_init, random_state + b + 1
            )
            drawn = np.unique(rows)
            predicted = model.predict(boot.transform(raw[drawn]))
            scores.append(float(adjusted_rand_score(reference[drawn], predicted)))
    values = np.array(scores)
    return PeerStability(
        n_groups=full.n_groups_,
        n_resamples=n_resamples,
        mean_ari=float(values.mean()),
        std_ari=float(values.std()),
        min_ari=float(values.min()),
        ari=tuple(scores),
    )
