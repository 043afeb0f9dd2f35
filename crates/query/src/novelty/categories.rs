//! X/Y/A: how closely one candidate anticipates one point, judged on the point's essential
//! concepts (the search-report categories of a 查新报告 and of patent examiners).

use std::collections::HashSet;

use super::Category;

/// Key-concept coverage from which a document is `Y` (with a partner) rather than `A`.
pub(super) const Y_COVERAGE: f32 = 0.5;

/// The category of a candidate for a point. `essential`: the point's essential concepts
/// (indices into its features); `found`: the key concepts the candidate discloses;
/// `coverage`: the weighted share of the key concepts it discloses; `others`: the key concepts
/// each other candidate discloses.
///
/// `X` when it discloses every essential concept on its own; `Y` when it discloses at least
/// [`Y_COVERAGE`] and some other candidate discloses the essential concepts it lacks (the two
/// together anticipate the point); `A` otherwise. A point without essential concepts has no
/// `X`.
pub(super) fn category<'a>(
    essential: &HashSet<usize>,
    found: &HashSet<usize>,
    coverage: f32,
    others: impl IntoIterator<Item = &'a HashSet<usize>>,
) -> Category {
    // A share of weights summed in set order: 1 give or take rounding.
    debug_assert!(
        (0.0..=1.0 + 1e-4).contains(&coverage),
        "coverage {coverage}"
    );
    if !essential.is_empty() && essential.is_subset(found) {
        return Category::X;
    }
    let completed_by = |other: &HashSet<usize>| {
        essential
            .iter()
            .all(|i| found.contains(i) || other.contains(i))
    };
    if coverage >= Y_COVERAGE && others.into_iter().any(completed_by) {
        Category::Y
    } else {
        Category::A
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[usize]) -> HashSet<usize> {
        items.iter().copied().collect()
    }

    // A point such as `采用神经网络根据锅炉运行参数软测量烟气中的氮氧化物浓度`: concepts
    // 0 软测量, 1 氮氧化物, 2 锅炉 essential, 3 神经网络 not.
    fn essential() -> HashSet<usize> {
        set(&[0, 1, 2])
    }

    #[test]
    fn a_record_with_every_essential_concept_is_x() {
        assert_eq!(
            category(&essential(), &set(&[0, 1, 2]), 0.8, []),
            Category::X
        );
        // The lightest concept is not needed for X.
        assert_eq!(
            category(&essential(), &set(&[0, 1, 2, 3]), 1.0, []),
            Category::X
        );
    }

    #[test]
    fn most_of_the_point_with_a_partner_for_the_rest_is_y() {
        let partner = set(&[2, 3]);
        assert_eq!(
            category(&essential(), &set(&[0, 1]), 0.6, [&partner]),
            Category::Y
        );
        // No candidate has 锅炉: nothing completes it.
        let unrelated = set(&[3]);
        assert_eq!(
            category(&essential(), &set(&[0, 1]), 0.6, [&unrelated]),
            Category::A
        );
    }

    #[test]
    fn too_little_of_the_point_is_a_even_with_a_partner() {
        let partner = set(&[1, 2]);
        assert_eq!(
            category(&essential(), &set(&[0]), 0.3, [&partner]),
            Category::A
        );
    }

    #[test]
    fn a_point_without_essential_concepts_has_no_x() {
        assert_eq!(category(&set(&[]), &set(&[0]), 1.0, []), Category::A);
    }
}
